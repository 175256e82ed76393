package io.waymark.adapters.rfc2136;

import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * How a stamp is written on a standard DNS server: a TXT RRset at {@code _waymark.<endpoint>}
 * (an RFC 8552 underscore label, so it never mixes with the endpoint's own TXT records), holding
 * <ul>
 *   <li>the <b>stamp</b>: one TXT record of character-strings {@code "waymark-stamp g=<generation> h=<plan hash>"},
 *       {@code "r=<digest>"} — the first 16 hex digits of SHA-256 over the served addresses with their TTL
 *       ({@code addr/ttl}, sorted), so that a record changed behind Waymark's back while the stamp stays is seen
 *       (drift) — and {@code "w=<weights>"} (one weight when all are equal, else one per address in address
 *       order; standard servers have no weights, the embedded one does);</li>
 *   <li>the <b>high-water</b>: {@code "waymark-high g=<generation>"}, which survives when the stamp record is
 *       deleted or garbled by hand, so that a heal can never land an older plan;</li>
 *   <li>or, after retirement, only the <b>tombstone</b> {@code "waymark-retired g=<high-water generation>"}:
 *       the endpoint comes back only with a newer plan.</li>
 * </ul>
 * The whole RRset is what an UPDATE's value-dependent prerequisite names (RFC 2136 2.4.2: the RRset
 * must match exactly), so one prerequisite covers stamp and high-water together.
 */
final class StampText {
    static final String LABEL = "_waymark";
    static final String STAMP = "waymark-stamp";
    static final String HIGH = "waymark-high";
    static final String RETIRED = "waymark-retired";
    private static final int STRING_MAX = 255;
    private static final int DIGEST_HEX = 16;

    private StampText() {}

    /** An address as served, with its TTL (what a standard server holds). */
    record Served(InetAddress address, long ttl) implements Comparable<Served> {
        @Override
        public int compareTo(Served o) {
            int c = Arrays.compareUnsigned(address.getAddress(), o.address.getAddress());
            return c != 0 ? c : Long.compare(ttl, o.ttl);
        }
    }

    /** The character-strings of the stamp record for {@code stamp} serving {@code records}. */
    static List<String> stamp(Stamp stamp, RecordSet records) {
        if (stamp.isNone()) throw new IllegalArgumentException("cannot write the empty stamp");
        List<String> out = new ArrayList<>();
        out.add(STAMP + " g=" + stamp.generation().value() + " h=" + stamp.planHash().hex());
        out.add("r=" + digest(served(records)));
        List<WeightedAddress> a = records.addresses();
        boolean uniform = a.stream().allMatch(w -> w.weight() == a.get(0).weight());
        if (uniform) {
            out.add("w=" + a.get(0).weight());
        } else {
            StringBuilder chunk = new StringBuilder("w=");
            for (WeightedAddress w : a) {
                String next = Integer.toString(w.weight());
                if (chunk.length() + 1 + next.length() > STRING_MAX) {
                    out.add(chunk.toString());
                    chunk = new StringBuilder("w=");
                }
                if (chunk.length() > 2) chunk.append(' ');
                chunk.append(next);
            }
            out.add(chunk.toString());
        }
        return out;
    }

    static List<String> high(Generation g) {
        return List.of(HIGH + " g=" + g.value());
    }

    static List<String> retired(Generation g) {
        return List.of(RETIRED + " g=" + g.value());
    }

    static List<Served> served(RecordSet records) {
        List<Served> out = new ArrayList<>();
        for (WeightedAddress w : records.addresses()) out.add(new Served(w.address(), records.ttlSeconds()));
        out.sort(null);
        return out;
    }

    static String digest(List<Served> served) {
        List<Served> sorted = new ArrayList<>(served);
        sorted.sort(null);
        StringBuilder sb = new StringBuilder();
        for (Served s : sorted) sb.append(s.address().getHostAddress()).append('/').append(s.ttl()).append(' ');
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, DIGEST_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A parsed {@code waymark-*} record: kind, generation, plan hash (may be empty), and the other strings. */
    record Parsed(String kind, long generation, String hash, List<String> rest) {}

    /** Parses one TXT record's strings, or returns null when it is not one of ours or is malformed. */
    static Parsed parse(List<String> strings) {
        if (strings.isEmpty()) return null;
        String[] head = strings.get(0).split(" ");
        String kind = head[0];
        if (!kind.equals(STAMP) && !kind.equals(HIGH) && !kind.equals(RETIRED)) return null;
        int fields = kind.equals(STAMP) ? 3 : 2;
        if (head.length != fields || !head[1].startsWith("g=")) return null;
        long g;
        try {
            g = Long.parseLong(head[1].substring(2));
        } catch (NumberFormatException e) {
            return null;
        }
        if (g < 1) return null;
        String hash = "";
        if (fields == 3) {
            if (!head[2].startsWith("h=")) return null;
            hash = head[2].substring(2);
            if (!new PlanHash(hash).isWellFormed()) return null;
        }
        return new Parsed(kind, g, hash, strings.subList(1, strings.size()));
    }

    /** The digest ("r=") of a stamp record, or null when missing. */
    static String digestOf(Parsed stamp) {
        for (String s : stamp.rest()) if (s.startsWith("r=") && s.length() == 2 + DIGEST_HEX) return s.substring(2);
        return null;
    }

    /** Weights in address order for {@code count} addresses, or null when missing or inconsistent. */
    static int[] weightsOf(Parsed stamp, int count) {
        List<Integer> all = new ArrayList<>();
        for (String s : stamp.rest()) {
            if (!s.startsWith("w=")) continue;
            for (String w : s.substring(2).split(" ")) {
                if (w.isEmpty()) continue;
                try {
                    all.add(Integer.parseInt(w));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        int[] out = new int[count];
        if (all.size() == 1) {
            Arrays.fill(out, all.get(0));
        } else if (all.size() == count) {
            for (int i = 0; i < count; i++) out[i] = all.get(i);
        } else {
            return null;
        }
        for (int w : out) if (w < 1 || w > WeightedAddress.WEIGHT_MAX) return null;
        return out;
    }

    static Stamp stampOf(Parsed p) {
        return Stamp.of(p.generation(), new PlanHash(p.hash()));
    }
}
