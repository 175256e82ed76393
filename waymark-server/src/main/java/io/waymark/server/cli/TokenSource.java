package io.waymark.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an operator verb finds the API token, first match wins: {@code --token-file FILE},
 * {@code $WAYMARK_TOKEN}, then {@code DATA_DIR/api.token} (where {@code ./waymark run} makes it). No
 * token is not an error here: reads may be open; the daemon says 401 when one is needed.
 */
final class TokenSource {
    static final String FILE = io.waymark.server.config.WaymarkConfig.HttpSettings.TOKEN_FILE_DEFAULT;

    private TokenSource() {}

    static ApiClient client(String api, Path tokenFile, String env, Path dataDir) {
        if (tokenFile != null) {
            return new ApiClient(api, Optional.of(read(tokenFile)), "token from --token-file " + tokenFile);
        }
        if (env != null && !env.isBlank()) return new ApiClient(api, Optional.of(env.strip()), "token from $WAYMARK_TOKEN");
        Path inData = dataDir.resolve(FILE);
        if (Files.isReadable(inData)) return new ApiClient(api, Optional.of(read(inData)), "token from " + inData.toAbsolutePath().normalize());
        return new ApiClient(api, Optional.empty(), "no token found: give --token-file FILE, set $WAYMARK_TOKEN, or --data-dir DIR of the daemon ("
                + inData.toAbsolutePath().normalize() + " does not exist)");
    }

    private static String read(Path file) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) throw new ApiClient.ApiException("token file " + file + " is empty");
            return t;
        } catch (IOException e) {
            throw new ApiClient.ApiException("cannot read token file " + file + ": " + e.getMessage());
        }
    }
}
