package io.waymark.dns;

/**
 * How answers are shaped. {@code answerAddressesMax}: addresses per weighted answer (N).
 * {@code udpPayloadMax}: the largest UDP reply we send and advertise in OPT; 1232 is the DNS Flag
 * Day 2020 size that avoids IP fragmentation on every common path. {@code identity}: the TXT answered
 * to CHAOS {@code id.server.} and {@code hostname.bind.} (RFC 4892), empty to answer REFUSED.
 * {@code nsid}: the server identifier returned to queries that ask for it (RFC 5001), empty for none.
 * Both are off by default: they tell the world which machine answers.
 */
public record ServingOptions(int answerAddressesMax, int udpPayloadMax, String identity, String nsid) {
    public static final int ANSWER_ADDRESSES_MAX_DEFAULT = 8;
    public static final int UDP_PAYLOAD_MAX_DEFAULT = 1232;
    /** RFC 1035's limit for UDP without EDNS; also the floor of any advertised size (RFC 6891 §6.2.5). */
    public static final int UDP_PAYLOAD_CLASSIC = 512;
    /** A TXT string holds 255 bytes; an NSID this long already costs every reply that asks for it. */
    public static final int IDENTITY_LENGTH_MAX = 255;

    public ServingOptions {
        if (answerAddressesMax < 1 || answerAddressesMax > 256) throw new IllegalArgumentException("answer addresses max must be in 1..256, got " + answerAddressesMax);
        if (udpPayloadMax < UDP_PAYLOAD_CLASSIC || udpPayloadMax > 65_535) throw new IllegalArgumentException("UDP payload max must be in 512..65535, got " + udpPayloadMax);
        identity = identity == null ? "" : identity;
        nsid = nsid == null ? "" : nsid;
        checkIdentity("identity", identity);
        checkIdentity("nsid", nsid);
    }

    public ServingOptions(int answerAddressesMax, int udpPayloadMax) {
        this(answerAddressesMax, udpPayloadMax, "", "");
    }

    private static void checkIdentity(String what, String value) {
        if (value.length() > IDENTITY_LENGTH_MAX || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(what + " must be at most " + IDENTITY_LENGTH_MAX + " printable ASCII characters, got \"" + value + "\"");
        }
    }

    public static ServingOptions defaults() {
        return new ServingOptions(ANSWER_ADDRESSES_MAX_DEFAULT, UDP_PAYLOAD_MAX_DEFAULT);
    }

    public ServingOptions withAnswerAddressesMax(int n) {
        return new ServingOptions(n, udpPayloadMax, identity, nsid);
    }

    /** The same options answering CHAOS identity queries with {@code identity} and NSID with {@code nsid} (empty: off). */
    public ServingOptions withIdentity(String identity, String nsid) {
        return new ServingOptions(answerAddressesMax, udpPayloadMax, identity, nsid);
    }
}
