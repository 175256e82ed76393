package io.waymark.adapters.rfc2136;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key (RFC 8945): its name, algorithm and secret. The secret never appears in
 * {@link #toString()}, logs or error messages; only a name and algorithm do.
 */
public final class TsigKey {
    /** The one algorithm we offer: what BIND's tsig-keygen, Knot's keymgr and PowerDNS generate by default. */
    public static final String HMAC_SHA256 = "hmac-sha256";
    private static final Pattern KEY_FILE_SECRET = Pattern.compile("secret\\s*[:\\s]\\s*\"?([A-Za-z0-9+/=]+)\"?");

    private final String name;
    private final String algorithm;
    private final byte[] secret;

    public TsigKey(String name, String algorithm, byte[] secret) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("TSIG key name must not be empty");
        if (!HMAC_SHA256.equals(algorithm == null ? null : algorithm.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("TSIG algorithm must be " + HMAC_SHA256 + ", got '" + algorithm + "'");
        }
        if (secret == null || secret.length < 16) throw new IllegalArgumentException("TSIG secret must hold at least 16 bytes (base64 of 128 bits or more)");
        this.name = name.endsWith(".") ? name : name + ".";
        this.algorithm = HMAC_SHA256;
        this.secret = secret.clone();
    }

    /** From a base64 secret, as BIND's and Knot's key files hold it. */
    public static TsigKey fromBase64(String name, String algorithm, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TSIG secret of key '" + name + "' is not base64");
        }
        return new TsigKey(name, algorithm, bytes);
    }

    /**
     * Reads the secret from a file: either the bare base64 secret, or a BIND key file
     * ({@code secret "...";}) or a Knot key section ({@code secret: ...}).
     */
    public static TsigKey fromFile(String name, String algorithm, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        Matcher m = KEY_FILE_SECRET.matcher(text);
        String base64 = m.find() ? m.group(1) : text;
        return fromBase64(name, algorithm, base64);
    }

    public String name() {
        return name;
    }

    public String algorithm() {
        return algorithm;
    }

    /** dnsjava's signer and verifier for this key. */
    TSIG tsig() {
        try {
            return new TSIG(TSIG.HMAC_SHA256, Name.fromString(name), secret);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("TSIG key name '" + name + "' is not a DNS name");
        }
    }

    @Override
    public String toString() {
        return name + " (" + algorithm + ", secret not shown)";
    }
}
