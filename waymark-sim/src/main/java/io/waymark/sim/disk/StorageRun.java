package io.waymark.sim.disk;

import io.waymark.adapters.log.LogCorruptException;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.SalvagedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One storage simulation, replayable by its seed: the real {@link FilePlanStore} and
 * {@link EmbeddedRecordStore} on a {@link SimDisk}, driven by random publishes, deletes, flag
 * updates and applies, with crashes, clean restarts, full disks, I/O errors and flipped bits. After
 * every reopen it checks I5 (nothing acknowledged lost), I6 (no generation handed out twice with
 * other content) and I7 (acknowledged flags kept) against a {@link StorageModel} of what was
 * acknowledged. A store may refuse to open only over real damage (a flipped bit), never after mere
 * crashes and I/O errors.
 */
public final class StorageRun {
    /**
     * @param stepsMax           operations per run
     * @param endpointsMax       endpoints plans draw from
     * @param faults             the disk's fault dice
     * @param crashProbability   per step, a power cut followed by a restart of both stores
     * @param fullProbability    per step, the disk fills up (it empties again a few steps later)
     * @param rotProbability     per step, a bit flips in fsynced data while the stores run
     */
    public record Settings(int stepsMax, int endpointsMax, DiskFaults faults, double crashProbability, double fullProbability, double rotProbability) {
        public static final Settings DEFAULTS = new Settings(80, 6, new DiskFaults(0.01, 0.01, 0.01, 0.05), 0.08, 0.01, 0.005);

        public Settings {
            if (stepsMax < 1 || endpointsMax < 1) throw new IllegalArgumentException("stepsMax and endpointsMax must be >= 1");
            if (faults == null) throw new IllegalArgumentException("faults must not be null");
        }
    }

    /** Opens retried after transient I/O errors before the run gives the disk a rest (the supervisor's backoff). */
    private static final int OPEN_ATTEMPTS_MAX = 6;
    private static final int FULL_STEPS_MAX = 5;
    /** Small compaction thresholds, so that runs exercise the rewrite-and-rename path. */
    private static final long PLAN_COMPACTION_DEAD_BYTES_MIN = 2048;
    private static final long RECORD_COMPACTION_SLACK_BYTES = 512;

    private final long seed;
    private final Settings settings;
    private final SplittableRandom random;
    private final SimDisk disk;
    private final StorageModel model = new StorageModel();
    private final Map<Endpoint, RecordSet> served = new HashMap<>();
    private FilePlanStore plans;
    private EmbeddedRecordStore records;
    private final java.util.function.Consumer<String> trace;
    private int steps;
    private int crashes;
    private int fullSteps;

    /** Raised when a store refuses to open; a pass only if the disk really was damaged. */
    private static final class Refused extends RuntimeException {
        private final String file;

        Refused(String file, String message, Throwable cause) {
            super(message, cause);
            this.file = file;
        }
    }

    /** Operator repairs per run (move the damaged file aside, restart); then a refusal ends the run. */
    private static final int REPAIRS_MAX = 3;
    private int repairs;

    private StorageRun(long seed, Settings settings, java.util.function.Consumer<String> trace) {
        this.trace = trace;
        this.seed = seed;
        this.settings = settings;
        this.random = new SplittableRandom(seed);
        this.disk = new SimDisk(random.split(), settings.faults());
    }

    /** Runs seeds {@code from..to} (inclusive) and prints every one that is not clean. */
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--trace")) {
            System.out.println(run(Long.parseLong(args[1]), Settings.DEFAULTS, System.out::println));
            return;
        }
        long from = args.length > 0 ? Long.parseLong(args[0]) : 0;
        long to = args.length > 1 ? Long.parseLong(args[1]) : from + 999;
        int violations = 0;
        int refused = 0;
        for (long s = from; s <= to; s++) {
            StorageResult r = run(s, Settings.DEFAULTS);
            if (r.outcome() != StorageResult.Outcome.CLEAN) System.out.println(r);
            if (r.violated()) violations++;
            if (r.outcome() == StorageResult.Outcome.REFUSED) refused++;
        }
        System.out.println((to - from + 1) + " seeds: " + violations + " violations, " + refused + " refused over damage");
    }

    public static StorageResult run(long seed, Settings settings) {
        return new StorageRun(seed, settings, line -> {}).run();
    }

    /** As {@link #run(long, Settings)}, telling {@code trace} every operation and its outcome (for replaying a seed). */
    public static StorageResult run(long seed, Settings settings, java.util.function.Consumer<String> trace) {
        return new StorageRun(seed, settings, trace).run();
    }

    private StorageResult run() {
        try {
            for (steps = 0; steps < settings.stepsMax(); steps++) {
                try {
                    if (plans == null) reopenPlans();
                    if (records == null) reopenRecords();
                    step();
                } catch (Refused r) {
                    if (disk.bitFlips() == 0) return result(StorageResult.Outcome.VIOLATION, "refused to open without any damage on disk: " + r.getMessage());
                    if (repairs++ >= REPAIRS_MAX) return result(StorageResult.Outcome.REFUSED, r.getMessage());
                    repair(r);
                }
            }
            return result(StorageResult.Outcome.CLEAN, "");
        } catch (StorageModel.Violation v) {
            return result(StorageResult.Outcome.VIOLATION, v.getMessage());
        } finally {
            closeQuietly();
        }
    }

    /**
     * What the refusal's message tells the operator to do: keep DNS up from the salvaged record log,
     * then move the damaged file aside and restart. What it held is lost by the operator's decision
     * (I5 no longer covers it); I6 still must hold across the repair.
     */
    private void repair(Refused r) {
        trace.accept(steps + " REPAIR: move " + r.file + " aside after: " + r.getMessage());
        try {
            if (r.file.equals(EmbeddedRecordStore.LOG_FILE)) {
                checkSalvage();
                model.recordsRepaired();
            } else {
                model.plansRepaired();
            }
            if (disk.exists(r.file)) disk.rename(r.file, r.file + ".damaged");
        } catch (IOException e) {
            throw new StorageModel.Violation("repair failed: " + e);
        }
        closeQuietly();
    }

    /** The salvaged store serves only records of offered plans, and refuses writes. */
    private void checkSalvage() throws IOException {
        Map<Endpoint, RecordSet> salvaged = new HashMap<>();
        SalvagedRecordStore s = EmbeddedRecordStore.salvage(disk, salvaged::putAll);
        model.checkSalvaged(s, salvaged);
        try {
            s.applyIfNewer(Endpoint.of("x.sim.test."), Stamp.NONE, Stamp.of(1, io.waymark.core.model.PlanHash.NONE), salvaged.values().stream().findFirst().orElse(RecordSet.of(30, WeightedAddress.of("10.9.9.9", 1))));
            throw new StorageModel.Violation("a salvaged record store accepted a write");
        } catch (StoreUnavailableException expected) {
            // read-only, as documented
        } catch (IllegalArgumentException ignored) {
            // the probe stamp was refused before the store saw it; read-only is checked elsewhere
        }
    }

    private StorageResult result(StorageResult.Outcome outcome, String detail) {
        return new StorageResult(seed, outcome, detail, steps, crashes, disk.bitFlips(), repairs, disk.damage());
    }

    private void step() {
        if (fullSteps > 0 && --fullSteps == 0) disk.full(false);
        double r = random.nextDouble();
        if (r < settings.crashProbability()) {
            crash();
            return;
        }
        if (random.nextDouble() < settings.rotProbability() && disk.rotRandomBit()) trace.accept(steps + " ROT; damage so far " + disk.damage());
        if (random.nextDouble() < settings.fullProbability()) {
            disk.full(true);
            trace.accept(steps + " disk full");
            fullSteps = 1 + random.nextInt(FULL_STEPS_MAX);
        }
        int action = random.nextInt(100);
        if (action < 3) restart();
        else if (action < 33) publish();
        else if (action < 43) delete();
        else if (action < 55) flags();
        else if (action < 60) retire();
        else apply();
    }

    // ---- operations ----

    private void publish() {
        if (plans == null) reopenPlans();
        PlanDraft draft = randomDraft();
        Generation latest;
        try {
            latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
            PublishOutcome out = plans.publish(latest, draft);
            if (!(out instanceof PublishOutcome.Published p)) throw new StorageModel.Violation("a lone publisher lost a compare-and-set: " + out);
            if (!p.plan().generation().isAfter(latest)) throw new StorageModel.Violation("I6: published " + p.plan().generation() + " is not after " + latest);
            model.publishAcked(p.plan());
            trace.accept(steps + " publish " + p.plan().stamp() + " acked");
        } catch (StoreUnavailableException e) {
            trace.accept(steps + " publish " + draft.hash() + " in doubt: " + e.getCause());
            model.publishInDoubt(draft);
            plansFailed();
        }
    }

    private void delete() {
        if (plans == null) reopenPlans();
        Generation g = null;
        try {
            List<Generation> history = plans.history();
            if (history.size() < 2) return;
            g = history.get(random.nextInt(history.size() - 1)); // never the latest
            plans.delete(g);
            model.deleteAcked(g);
            trace.accept(steps + " delete " + g + " acked");
        } catch (StoreUnavailableException e) {
            trace.accept(steps + " delete " + g + " in doubt: " + e.getCause());
            if (g != null) model.deleteInDoubt(g);
            plansFailed();
        }
    }

    private void flags() {
        if (plans == null) reopenPlans();
        ControlFlags next = new ControlFlags(random.nextBoolean(), random.nextBoolean());
        try {
            ControlFlags now = plans.flags();
            if (!plans.updateFlags(now, next)) throw new StorageModel.Violation("a lone writer lost a flags compare-and-set");
            model.flagsAcked(next);
            trace.accept(steps + " flags " + next + " acked");
        } catch (StoreUnavailableException e) {
            trace.accept(steps + " flags " + next + " in doubt: " + e.getCause());
            model.flagsInDoubt(next);
            plansFailed();
        }
    }

    private void apply() {
        if (plans == null) reopenPlans();
        if (records == null) reopenRecords();
        Plan plan;
        try {
            List<Generation> history = plans.history();
            if (history.isEmpty()) return;
            // Mostly the latest plan; sometimes an older one, as a stale enactor would.
            Generation g = random.nextInt(5) == 0 ? history.get(random.nextInt(history.size())) : history.get(history.size() - 1);
            plan = plans.read(g).orElseThrow();
        } catch (StoreUnavailableException e) {
            plansFailed();
            return;
        }
        try {
            List<ConditionalApply> batch = new ArrayList<>();
            for (Map.Entry<Endpoint, RecordSet> e : plan.recordSets().entrySet()) {
                if (random.nextInt(3) == 0) continue;
                Stamp s = records.read(e.getKey()).stamp();
                if (s.generation().isAfter(plan.generation()) || s.equals(plan.stamp())) continue;
                batch.add(new ConditionalApply(e.getKey(), s, plan.stamp(), e.getValue()));
            }
            if (batch.isEmpty()) return;
            List<ApplyOutcome> outcomes = records.applyAllIfNewer(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes.get(i) == ApplyOutcome.APPLIED) model.applyAcked(batch.get(i).endpoint(), plan.stamp());
            }
            trace.accept(steps + " apply " + plan.stamp() + " to " + batch.size() + " endpoints: " + outcomes);
        } catch (StoreUnavailableException e) {
            trace.accept(steps + " apply " + plan.stamp() + " in doubt: " + e.getCause());
            recordsFailed();
        }
    }

    private void retire() {
        if (records == null) reopenRecords();
        Endpoint e = null;
        try {
            List<Endpoint> live = new ArrayList<>(new java.util.TreeSet<>(records.endpoints()));
            if (live.isEmpty()) return;
            e = live.get(random.nextInt(live.size()));
            Stamp s = records.read(e).stamp();
            if (!records.retire(e, s)) throw new StorageModel.Violation("a lone writer lost a retire compare-and-set on " + e);
            model.retireAcked(e, s);
            trace.accept(steps + " retire " + e + " at " + s + " acked");
        } catch (StoreUnavailableException x) {
            trace.accept(steps + " retire " + e + " in doubt: " + x.getCause());
            if (e != null) model.retireInDoubt(e);
            recordsFailed();
        }
    }

    // ---- crashes, restarts, the supervisor ----

    private void crash() {
        crashes++;
        disk.crash();
        trace.accept(steps + " CRASH; damage so far " + disk.damage());
        plans = null;
        records = null;
        reopenPlans();
        reopenRecords();
    }

    private void restart() {
        closeQuietly();
        reopenPlans();
        reopenRecords();
    }

    /** The supervisor closes a failed store and reopens it on its next call (after a backoff in the daemon). */
    private void plansFailed() {
        try {
            plans.close();
        } catch (IOException | RuntimeException e) {
            throw new StorageModel.Violation("a failed plan store could not be closed: " + e);
        }
        plans = null;
    }

    private void recordsFailed() {
        try {
            records.close();
        } catch (IOException | RuntimeException e) {
            throw new StorageModel.Violation("a failed record store could not be closed: " + e);
        }
        records = null;
    }

    private void reopenPlans() {
        plans = openWithRetries(FilePlanStore.LOG_FILE, () -> FilePlanStore.open(disk, PLAN_COMPACTION_DEAD_BYTES_MIN));
        model.checkPlans(plans);
    }

    private void reopenRecords() {
        served.clear();
        ServingSink sink = ServingSink.removing((changed, removed) -> {
            served.putAll(changed);
            served.keySet().removeAll(removed);
        });
        records = openWithRetries(EmbeddedRecordStore.LOG_FILE, () -> EmbeddedRecordStore.open(disk, sink, RECORD_COMPACTION_SLACK_BYTES));
        model.checkRecords(records, served);
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    private <T> T openWithRetries(String what, Opener<T> opener) {
        DiskFaults faults = disk.faults();
        try {
            for (int attempt = 1; ; attempt++) { // bounded: the last attempt runs on a healthy disk
                if (attempt == OPEN_ATTEMPTS_MAX) {
                    disk.faults(DiskFaults.NONE);
                    disk.full(false);
                    fullSteps = 0;
                }
                try {
                    T opened = opener.open();
                    trace.accept(steps + " opened " + what);
                    return opened;
                } catch (LogCorruptException e) {
                    throw new Refused(what, what + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    trace.accept(steps + " open " + what + " failed: " + e);
                    if (attempt >= OPEN_ATTEMPTS_MAX) throw new StorageModel.Violation(what + " cannot open on a healthy disk: " + e);
                } catch (IllegalStateException e) {
                    throw new Refused(what, what + ": " + e.getMessage(), e);
                }
            }
        } finally {
            disk.faults(faults);
        }
    }

    private void closeQuietly() {
        // Closing never throws for a store whose handles died in a crash; tolerate it anyway at the end of a run.
        try {
            if (plans != null) plans.close();
        } catch (IOException | RuntimeException ignored) {
            // the run is over
        }
        try {
            if (records != null) records.close();
        } catch (IOException | RuntimeException ignored) {
            // the run is over
        }
        plans = null;
        records = null;
    }

    private PlanDraft randomDraft() {
        Map<Endpoint, RecordSet> sets = new TreeMap<>();
        int n = 1 + random.nextInt(settings.endpointsMax());
        for (int i = 0; i < n; i++) {
            Endpoint e = Endpoint.of("e" + random.nextInt(settings.endpointsMax()) + ".sim.test.");
            List<WeightedAddress> addresses = new ArrayList<>();
            int k = 1 + random.nextInt(3);
            for (int j = 0; j < k; j++) addresses.add(WeightedAddress.of("10.0." + random.nextInt(256) + "." + j, 1 + random.nextInt(100)));
            sets.put(e, new RecordSet(addresses, 30 + random.nextInt(30)));
        }
        return PlanDraft.of(sets);
    }
}
