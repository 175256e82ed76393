package io.waymark.server.config;

import io.waymark.dns.AddressBlock;
import io.waymark.dns.TransferPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * Reads {@code dns.transfer} from waymark.yaml: the embedded server as a primary.
 * <pre>
 * dns:
 *   transfer:
 *     allow: [192.0.2.0/24, 2001:db8::/32]   # who may AXFR/IXFR (TCP); absent or empty: no transfers (REFUSED)
 *     notify: [192.0.2.53:53, "[2001:db8::53]:53"]  # secondaries told of every serial change (RFC 1996)
 *     tsig: { name: xfr-key., algorithm: hmac-sha256, secretFile: xfr.key }   # or secret: BASE64; optional
 * </pre>
 * Addresses are literal: nothing is resolved at start. The secret file holds the base64 secret, bare
 * or as BIND's ({@code secret "...";}) and Knot's ({@code secret: ...}) key files write it, as for
 * the rfc2136 record store (whose key type keeps its secret to itself, so it is read here again).
 * The secret is never part of a message.
 */
final class TransferConfigReader {
    private static final int ENTRIES_MAX = 256;
    private static final int SECRET_BYTES_MIN = 16;
    private static final Pattern KEY_FILE_SECRET = Pattern.compile("secret\\s*[:\\s]\\s*\"?([A-Za-z0-9+/=]+)\"?");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([0-9.]+)):(\\d{1,5})");

    private TransferConfigReader() {}

    static TransferPolicy read(ConfigNode dns, Path base) {
        if (!dns.has("transfer")) return TransferPolicy.NONE;
        ConfigNode t = dns.child("transfer");
        List<AddressBlock> allow = new ArrayList<>();
        List<String> blocks = t.strings("allow", ENTRIES_MAX);
        for (int i = 0; i < blocks.size(); i++) {
            try {
                allow.add(AddressBlock.parse(blocks.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("dns.transfer.allow[" + i + "]", "'" + blocks.get(i) + "'", "an address block such as 192.0.2.0/24 or 2001:db8::/32 (or one address)");
            }
        }
        List<InetSocketAddress> notify = new ArrayList<>();
        List<String> targets = t.strings("notify", ENTRIES_MAX);
        for (int i = 0; i < targets.size(); i++) notify.add(hostPort(targets.get(i), "dns.transfer.notify[" + i + "]"));
        TSIG tsig = t.has("tsig") ? tsig(t.child("tsig"), base) : null;
        t.refuseUnknownKeys();
        if (allow.isEmpty() && (tsig != null || !notify.isEmpty())) {
            throw t.invalid("allow", null, "at least one address block when notify or tsig is set (secondaries must be allowed to transfer)");
        }
        return new TransferPolicy(allow, tsig, notify);
    }

    private static InetSocketAddress hostPort(String text, String key) {
        Matcher m = HOST_PORT.matcher(text.strip());
        int port = m.matches() ? Integer.parseInt(m.group(3)) : -1;
        if (port < 1 || port > 65_535) throw new ConfigException(key, "'" + text + "'", "a literal ADDRESS:PORT such as 192.0.2.53:53 or [2001:db8::53]:53");
        try {
            return new InetSocketAddress(InetAddress.getByName(m.group(1) != null ? m.group(1) : m.group(2)), port);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "'" + text + "'", "a literal ADDRESS:PORT such as 192.0.2.53:53 or [2001:db8::53]:53");
        }
    }

    /** A {@code tsig:} section ({@code name}, {@code algorithm}, {@code secretFile} or {@code secret}); also read for {@code dns.update.tsig}. */
    static TSIG tsig(ConfigNode t, Path base) {
        String keyName = t.requiredString("name");
        String algorithm = t.string("algorithm", "hmac-sha256");
        if (!algorithm.equals("hmac-sha256")) throw t.invalid("algorithm", "'" + algorithm + "'", "hmac-sha256");
        boolean inline = t.has("secret");
        boolean file = t.has("secretFile");
        if (inline == file) throw t.invalid("secretFile", null, "either secretFile (a file holding the base64 secret) or secret, not " + (inline ? "both" : "neither"));
        String base64;
        if (inline) {
            base64 = t.string("secret", "");
        } else {
            String f = t.requiredString("secretFile");
            Path p = base.resolve(f).normalize();
            try {
                String text = Files.readString(p, StandardCharsets.UTF_8).strip();
                Matcher m = KEY_FILE_SECRET.matcher(text);
                base64 = m.find() ? m.group(1) : text;
            } catch (IOException e) {
                throw t.invalid("secretFile", "'" + f + "'", "a readable file holding the base64 secret (" + e.getMessage() + ")");
            }
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            secret = new byte[0];
        }
        // The message names the key, never the secret.
        if (secret.length < SECRET_BYTES_MIN) throw t.invalid(inline ? "secret" : "secretFile", "(not shown)", "a base64 secret of at least " + SECRET_BYTES_MIN + " bytes");
        t.refuseUnknownKeys();
        try {
            return new TSIG(TSIG.HMAC_SHA256, Name.fromString(keyName.endsWith(".") ? keyName : keyName + "."), secret);
        } catch (TextParseException e) {
            throw t.invalid("name", "'" + keyName + "'", "a DNS name for the key, such as xfr-key.");
        }
    }
}
