package io.waymark.sim.explore;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The kinds of fault a randomised schedule may inject; each can be switched off on its own. */
public enum Fault {
    /** An enactor pauses between reading and writing (GC, lost CPU; legacy: inside its lock backoff); the cleaner between scan and delete. */
    STALLS,
    /** An enactor crashes between read and write, loses its in-memory state, and a fresh one starts later. */
    CRASHES,
    /** One enactor is cut off from both stores for a while; its calls fail without effect. */
    PARTITIONS,
    /** Store calls fail (StoreUnavailableException before the operation: no effect). */
    STORE_ERRORS,
    /** Store calls are slow (+5 s); legacy: slow DNS change batches that hold the lock. */
    SLOWNESS,
    /** The planner publishes several plans in quick succession. */
    BURSTS,
    /**
     * Each process's clock is off by up to ±30 s. Only the legacy system reads clocks: lock expiries are
     * written and compared on the writer's own clock, so a process that runs ahead takes a lock that is
     * still held. Waymark's core takes no clock (no locks, clean-up by what stamps name), so skew is a
     * no-op there -- which is the point.
     */
    SKEW,
    /**
     * Whole system: targets fail and recover -- one target, one address family of an endpoint (its IPv4
     * targets fail while its IPv6 ones live), one availability zone -- so that the real planner and its
     * safety rules have something to decide.
     */
    HEALTH,
    /** Whole system: a planner process crashes and restarts, losing its in-memory state (velocity ledger, health it had probed). */
    RESTARTS,
    /** Whole system: a planner's wall clock steps backwards or forwards (NTP, a VM resumed) by up to two minutes. */
    CLOCK,
    /**
     * Whole system: operators pause, resume, pin, unpin, roll back and force-publish at random moments and
     * concurrently, through the real core operator classes, stalling between their reads and writes (that is
     * how concurrent HTTP requests interleave).
     */
    OPERATORS,
    /** Whole system: the configuration changes between plans -- endpoints added and removed, a whole DNS zone removed. */
    CONFIG,
    /** Whole system: a second planner runs beside the first (in half the schedules), both publishing through the plan store's compare-and-set. */
    PLANNERS,
    /** Whole system: the enactors' change threshold is below 1 (refuses plans removing more than 30-60% of what is served). */
    THRESHOLD,
    /**
     * Whole system: the real file plan store and embedded record store on a simulated disk, whose process
     * crashes (unsynced writes dropped or torn) and reopens both stores; I5 is checked at every reopen. One
     * schedule in eight (drawn from the seed) runs on the disk: the real stores make a schedule twice as slow.
     */
    DISK;

    public static final Set<Fault> ALL = Set.copyOf(EnumSet.allOf(Fault.class));
    /** The faults of the protocol-only explorer (RandomRun: random drafts, no real planner); the explorer's world before issue 7. */
    public static final Set<Fault> PROTOCOL = Set.copyOf(EnumSet.of(STALLS, CRASHES, PARTITIONS, STORE_ERRORS, SLOWNESS, BURSTS, SKEW));
    /** The faults only the whole-system run ({@code SystemRun}) models; any of them selects it. */
    public static final Set<Fault> SYSTEM = Set.copyOf(EnumSet.complementOf(EnumSet.copyOf(PROTOCOL)));
    public static final Set<Fault> NONE = Set.of();

    /** {@code all}, {@code none}, or a comma-separated list such as {@code stalls,crashes,store-errors}. */
    public static Set<Fault> parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) return ALL;
        if (t.equals("none") || t.isEmpty()) return NONE;
        EnumSet<Fault> out = EnumSet.noneOf(Fault.class);
        for (String part : t.split(",")) {
            String name = part.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            try {
                out.add(Fault.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault '" + part.trim() + "'; expected all, none or a list of " + render(ALL));
            }
        }
        return Set.copyOf(out);
    }

    /** The CLI spelling: {@code all}, {@code none}, or e.g. {@code stalls,store-errors} in declaration order. */
    public static String render(Set<Fault> faults) {
        if (faults.containsAll(ALL)) return "all";
        if (faults.isEmpty()) return "none";
        return EnumSet.copyOf(faults).stream().map(f -> f.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(","));
    }
}
