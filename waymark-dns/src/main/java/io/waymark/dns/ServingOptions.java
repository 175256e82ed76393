package io.waymark.dns;

/**
 * How answers are shaped. {@code answerAddressesMax}: addresses per weighted answer (N).
 * {@code udpPayloadMax}: the largest UDP reply we send and advertise in OPT; 1232 is the DNS Flag
 * Day 2020 size that avoids IP fragmentation on every common path.
 */
public record ServingOptions(int answerAddressesMax, int udpPayloadMax) {
    public static final int ANSWER_ADDRESSES_MAX_DEFAULT = 8;
    public static final int UDP_PAYLOAD_MAX_DEFAULT = 1232;
    /** RFC 1035's limit for UDP without EDNS; also the floor of any advertised size (RFC 6891 §6.2.5). */
    public static final int UDP_PAYLOAD_CLASSIC = 512;

    public ServingOptions {
        if (answerAddressesMax < 1 || answerAddressesMax > 256) throw new IllegalArgumentException("answer addresses max must be in 1..256, got " + answerAddressesMax);
        if (udpPayloadMax < UDP_PAYLOAD_CLASSIC || udpPayloadMax > 65_535) throw new IllegalArgumentException("UDP payload max must be in 512..65535, got " + udpPayloadMax);
    }

    public static ServingOptions defaults() {
        return new ServingOptions(ANSWER_ADDRESSES_MAX_DEFAULT, UDP_PAYLOAD_MAX_DEFAULT);
    }

    public ServingOptions withAnswerAddressesMax(int n) {
        return new ServingOptions(n, udpPayloadMax);
    }
}
