package io.waymark.server.config;

import java.nio.file.Path;
import java.util.Optional;
import org.xbill.DNS.TSIG;

/**
 * Reads {@code dns.update} from waymark.yaml: the embedded server as an RFC 2136 UPDATE target.
 * <pre>
 * dns:
 *   update:
 *     tsig: { name: upd-key., algorithm: hmac-sha256, secretFile: upd.key }   # or secret: BASE64; required
 * </pre>
 * The key is required: an unsigned UPDATE is never accepted (NOTAUTH). Without {@code update:} the
 * server answers every UPDATE NOTIMP, as before. The key section reads as {@code dns.transfer.tsig}'s.
 */
final class UpdateConfigReader {
    private UpdateConfigReader() {}

    static Optional<TSIG> read(ConfigNode dns, Path base) {
        if (!dns.has("update")) return Optional.empty();
        ConfigNode u = dns.child("update");
        if (!u.has("tsig")) throw u.invalid("tsig", null, "a TSIG key { name, algorithm: hmac-sha256, secretFile | secret } (unsigned UPDATEs are never accepted)");
        TSIG tsig = TransferConfigReader.tsig(u.child("tsig"), base);
        u.refuseUnknownKeys();
        return Optional.of(tsig);
    }
}
