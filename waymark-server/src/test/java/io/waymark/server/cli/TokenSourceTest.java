package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an operator verb finds the token: --token-file, then $WAYMARK_TOKEN, then DATA_DIR/api.token. */
class TokenSourceTest {
    @TempDir Path dir;

    private static String source(ApiClient c) {
        return c.tokenSource();
    }

    @Test
    void firstMatchWins() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("api.token"), "from-the-data-dir-0123456789\n");
        Path file = Files.writeString(dir.resolve("t"), "from-the-file-0123456789\n");
        assertThat(source(TokenSource.client("http://x", file, "from-env", data))).isEqualTo("token from --token-file " + file);
        assertThat(source(TokenSource.client("http://x", null, "from-env", data))).isEqualTo("token from $WAYMARK_TOKEN");
        assertThat(source(TokenSource.client("http://x", null, " ", data))).startsWith("token from ").endsWith("api.token");
        assertThat(source(TokenSource.client("http://x", null, null, dir.resolve("none")))).startsWith("no token found");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> TokenSource.client("http://x", empty, null, data)).isInstanceOf(ApiClient.ApiException.class).hasMessageContaining("is empty");
        assertThatThrownBy(() -> TokenSource.client("http://x", dir.resolve("missing"), null, data)).isInstanceOf(ApiClient.ApiException.class)
                .hasMessageContaining("cannot read token file");
    }
}
