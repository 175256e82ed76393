package io.waymark.adapters.rfc2136;

import io.waymark.adapters.rfc2136.StampText.Parsed;
import io.waymark.adapters.rfc2136.StampText.Served;
import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a server holds for one endpoint, as observed in one read: the TXT RRset at its stamp name
 * (each record's character-strings, in a canonical order) and the A and AAAA records at its name. This
 * exact value is what a later UPDATE's prerequisite names, so a compare-and-set compares against
 * precisely what was read.
 *
 * <p>{@link #decode()} turns it into the port's view: stamp, records, high-water generation, and
 * whether the endpoint is retired (a tombstone: only a strictly newer plan brings it back).
 */
record EndpointState(List<List<String>> txt, List<Served> served) {
    static final EndpointState EMPTY = new EndpointState(List.of(), List.of());

    EndpointState {
        List<List<String>> sortedTxt = new ArrayList<>();
        for (List<String> r : txt) sortedTxt.add(List.copyOf(r));
        sortedTxt.sort((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        txt = List.copyOf(sortedTxt);
        List<Served> s = new ArrayList<>(served);
        s.sort(null);
        served = List.copyOf(s);
    }

    /**
     * The port's view of this state.
     *
     * @param view      stamp and records as {@link io.waymark.core.port.RecordStore#read} answers them
     * @param high      the highest generation this endpoint is known to have served
     * @param retired   true when a tombstone holds the high-water: only a plan above it may land
     * @param drift     why the stamp is reported unreadable although it parses (served records differ from it), or empty
     */
    record Decoded(StampedRecords view, Generation high, boolean retired, Optional<String> drift) {}

    Decoded decode() {
        List<Parsed> stamps = new ArrayList<>();
        List<Parsed> highs = new ArrayList<>();
        List<Parsed> tombstones = new ArrayList<>();
        int foreign = 0;
        long high = 0;
        for (List<String> r : txt) {
            Parsed p = StampText.parse(r);
            if (p == null) {
                foreign++;
                continue;
            }
            high = Math.max(high, p.generation());
            switch (p.kind()) {
                case StampText.STAMP -> stamps.add(p);
                case StampText.HIGH -> highs.add(p);
                default -> tombstones.add(p);
            }
        }
        Generation h = Generation.of(high);
        if (txt.isEmpty()) return new Decoded(new StampedRecords(Stamp.NONE, records(null)), h, false, Optional.empty());
        if (stamps.isEmpty() && foreign == 0 && highs.size() + tombstones.size() == 1) {
            // A tombstone, or a high-water whose stamp was deleted by hand: nothing stamped here.
            Optional<RecordSet> left = records(null);
            // A tombstone over no records reads as one (RecordStore.retire); records added by hand under it do not.
            StampedRecords read = !tombstones.isEmpty() && left.isEmpty() && h.isAfter(Generation.ZERO) ? StampedRecords.tombstone(h) : new StampedRecords(Stamp.NONE, left);
            return new Decoded(read, h, !tombstones.isEmpty(), Optional.empty());
        }
        if (stamps.size() == 1 && foreign == 0 && tombstones.isEmpty() && highs.size() <= 1) {
            Parsed s = stamps.get(0);
            String expected = StampText.digestOf(s);
            String actual = StampText.digest(served);
            if (expected != null && expected.equals(actual) && !served.isEmpty()) {
                return new Decoded(new StampedRecords(StampText.stampOf(s), records(s)), h, false, Optional.empty());
            }
            String why = served.isEmpty() ? "no A/AAAA records served" : "served " + describe(served) + " differ from what stamp g" + s.generation() + " wrote";
            return new Decoded(new StampedRecords(Stamp.unreadable(raw()), records(null)), h, false, Optional.of(why));
        }
        return new Decoded(new StampedRecords(Stamp.unreadable(raw()), records(null)), h, false, Optional.empty());
    }

    /** The TXT RRset as one line of text: what an unreadable stamp carries, compared exactly by the CAS. */
    String raw() {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : txt) {
            if (sb.length() > 0) sb.append(" | ");
            for (int i = 0; i < r.size(); i++) sb.append(i == 0 ? "" : " ").append('"').append(r.get(i)).append('"');
        }
        return sb.toString();
    }

    /** The served records with the stamp's weights when they fit, else weight 1 each; empty when nothing is served. */
    private Optional<RecordSet> records(Parsed stamp) {
        if (served.isEmpty()) return Optional.empty();
        int[] weights = stamp == null ? null : StampText.weightsOf(stamp, served.size());
        List<WeightedAddress> out = new ArrayList<>(served.size());
        long ttl = Long.MAX_VALUE;
        java.util.Set<java.net.InetAddress> seen = new java.util.HashSet<>();
        for (int i = 0; i < served.size(); i++) {
            Served s = served.get(i);
            ttl = Math.min(ttl, s.ttl());
            if (seen.add(s.address())) out.add(new WeightedAddress(s.address(), weights == null ? 1 : weights[i]));
        }
        int ttlSeconds = (int) Math.min(ttl, RecordSet.TTL_SECONDS_MAX);
        if (out.size() > RecordSet.ADDRESSES_MAX) out = out.subList(0, RecordSet.ADDRESSES_MAX);
        return Optional.of(new RecordSet(out, ttlSeconds));
    }

    private static String describe(List<Served> served) {
        StringBuilder sb = new StringBuilder("[");
        int shown = 0;
        for (Served s : served) {
            if (shown++ == 8) {
                sb.append(", …");
                break;
            }
            if (shown > 1) sb.append(", ");
            sb.append(s.address().getHostAddress()).append(" ttl ").append(s.ttl());
        }
        return sb.append(']').toString();
    }
}
