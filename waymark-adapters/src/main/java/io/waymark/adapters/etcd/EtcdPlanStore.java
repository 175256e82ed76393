package io.waymark.adapters.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.waymark.adapters.plan.PlanBytes;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan store on etcd, with {@link io.waymark.adapters.plan.FilePlanStore}'s semantics. Keys under
 * the installation's prefix:
 * <pre>
 * plan/latest            the latest generation (decimal)
 * plan/floor             the highest generation ever handed out (I6; only publish writes it, and only upwards)
 * plan/g/00000000000000000042   manifest of g42: {"hash","bytes","sha256","chunks","attempt"}
 * plan/chunk/ATTEMPT/000003     the encoded plan, cut into chunks below etcd's request limit
 * flags                  {"paused":false,"pinned":true}
 * </pre>
 * <b>Publish</b> is a compare-and-set on the latest generation: read {@code plan/latest} and
 * {@code plan/floor} with their mod revisions; if the latest is not the expected generation →
 * conflict; else write the plan's chunks under a fresh attempt id (each chunk its own request: etcd
 * refuses requests over 1.5 MiB by default, and a 100k-endpoint plan is tens of MiB), then ONE
 * transaction that compares both mod revisions and puts the manifest, the latest and the floor.
 * Two publishers reading the same latest cannot both commit: the second one's compare fails. The
 * losing attempt's chunks are deleted (best effort; a crash between leaves orphans that
 * {@link #delete} of a later plan does not see, bounded by the number of crashed publishes).
 *
 * <p><b>Plans are immutable</b>: chunks and manifest are written once and only deleted. <b>Read</b>
 * reassembles the chunks and checks the bytes' SHA-256 against the manifest (damage →
 * {@link StoreUnavailableException}, never a wrong plan); a plan whose content does not match its
 * hash is returned as stored, as the file store does: enactors verify and refuse it.
 *
 * <p><b>Flags</b> are one key written by a transaction comparing its mod revision (a CAS, I7).
 *
 * <p>The latest plan is kept decoded (keyed by its manifest's mod revision): enactors ask for it every
 * tick, and that costs one small read of {@code plan/latest}, not a 100k-endpoint decode — the
 * steady-state load on etcd does not grow with the number of endpoints.
 */
public final class EtcdPlanStore implements PlanStore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdPlanStore.class);
    /** Below etcd's default --max-request-bytes (1.5 MiB), with room for the key and gRPC framing. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** A plan of {@link PlanDraft#ENDPOINTS_MAX} endpoints encodes to well under this. */
    public static final long PLAN_BYTES_MAX = 1L << 30;
    /** Compare-and-set retries when a transaction lost to a concurrent writer but the value still allows it. */
    private static final int CAS_ATTEMPTS_MAX = 8;
    private static final String LATEST = "plan/latest";
    private static final String FLOOR = "plan/floor";
    private static final String MANIFESTS = "plan/g/";
    private static final String CHUNKS = "plan/chunk/";
    private static final String FLAGS = "flags";

    private final Etcd etcd;
    private final KV kv;
    private final Optional<Fence> fence;
    private final ObjectMapper json = new ObjectMapper();
    /** The latest plan decoded, and the mod revision of the manifest it came from. */
    private volatile Cached cached;

    private record Cached(Generation generation, long manifestRevision, Plan plan) {}

    /** A manifest as stored. */
    private record Manifest(Generation generation, String hash, long bytes, String sha256, int chunks, String attempt, long modRevision) {}

    /** A key's value and mod revision (0: absent). */
    private record Versioned(long value, long modRevision) {}

    /**
     * A key that must hold {@code holder} for a publish to commit, compared in the publish transaction
     * itself: a planner that lost the election can no longer publish, even with a request that was
     * already on its way when it lost ({@link EtcdLeadership#fence}).
     */
    public record Fence(ByteSequence key, ByteSequence holder) {}

    public EtcdPlanStore(Etcd etcd) {
        this(etcd, Optional.empty());
    }

    private EtcdPlanStore(Etcd etcd, Optional<Fence> fence) {
        this.etcd = etcd;
        this.kv = etcd.client().getKVClient();
        this.fence = fence;
    }

    /** The same store whose publishes commit only while {@code f} holds. */
    public EtcdPlanStore fencedBy(Fence f) {
        return new EtcdPlanStore(etcd, Optional.of(f));
    }

    private static String manifestKey(Generation g) {
        return MANIFESTS + String.format("%020d", g.value());
    }

    @Override
    public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        if (expectedLatest == null || draft == null) throw new IllegalArgumentException("expectedLatest and draft must not be null");
        for (int attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
            Versioned latest = number(LATEST);
            Versioned floor = number(FLOOR);
            if (latest.value() != expectedLatest.value()) return new PublishOutcome.Conflict(Generation.of(latest.value()));
            Generation g = Generation.of(Math.max(latest.value(), floor.value()) + 1);
            Plan plan = Plan.publish(g, draft);
            byte[] encoded = PlanBytes.encode(plan);
            if (encoded.length > PLAN_BYTES_MAX) throw new IllegalArgumentException("plan of " + encoded.length + " bytes exceeds the etcd plan store's limit of " + PLAN_BYTES_MAX);
            String attemptId = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "-" + g.value();
            int chunks = writeChunks(attemptId, encoded);
            String manifest = manifestJson(plan, encoded, chunks, attemptId);
            List<Cmp> compares = new ArrayList<>(List.of(compareRevision(LATEST, latest.modRevision()), compareRevision(FLOOR, floor.modRevision())));
            fence.ifPresent(f -> compares.add(new Cmp(f.key(), Cmp.Op.EQUAL, CmpTarget.value(f.holder()))));
            TxnResponse r = etcd.await(kv.txn()
                    .If(compares.toArray(Cmp[]::new))
                    .Then(Op.put(etcd.key(manifestKey(g)), Etcd.bytes(manifest), PutOption.DEFAULT),
                            Op.put(etcd.key(LATEST), Etcd.bytes(Long.toString(g.value())), PutOption.DEFAULT),
                            Op.put(etcd.key(FLOOR), Etcd.bytes(Long.toString(g.value())), PutOption.DEFAULT))
                    .commit(), "publish " + g);
            if (r.isSucceeded()) {
                if (r.getPutResponses().isEmpty()) throw new IllegalStateException("publish transaction succeeded without writing");
                cached = new Cached(g, r.getHeader().getRevision(), plan);
                return new PublishOutcome.Published(plan);
            }
            deleteChunksQuietly(attemptId);
            refuseUnlessFenceHolds();
            // Lost to another writer: if it moved the latest, that is the conflict to report; if only
            // the floor moved (it never moves without the latest), look again.
        }
        throw new StoreUnavailableException("plan publish lost " + CAS_ATTEMPTS_MAX + " compare-and-sets in a row without the latest generation changing");
    }

    private void refuseUnlessFenceHolds() {
        if (fence.isEmpty()) return;
        GetResponse r = etcd.await(kv.get(fence.get().key()), "read the publish fence");
        String holder = r.getKvs().isEmpty() ? "nobody" : r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
        if (r.getKvs().isEmpty() || !r.getKvs().get(0).getValue().equals(fence.get().holder())) {
            throw new StoreUnavailableException("this process does not lead the planners (" + fence.get().key().toString(StandardCharsets.UTF_8) + " is held by " + holder + "): nothing was published");
        }
    }

    private Cmp compareRevision(String key, long modRevision) {
        // mod revision 0 compares equal for an absent key: "still absent".
        return new Cmp(etcd.key(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    }

    private int writeChunks(String attemptId, byte[] encoded) {
        int chunks = Math.max(1, (encoded.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int i = 0; i < chunks; i++) { // bounded: PLAN_BYTES_MAX / CHUNK_BYTES
            int from = i * CHUNK_BYTES;
            byte[] part = Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + CHUNK_BYTES));
            etcd.await(kv.put(etcd.key(chunkKey(attemptId, i)), ByteSequence.from(part)), "write plan chunk " + i + "/" + chunks);
        }
        return chunks;
    }

    private static String chunkPrefix(String attemptId) {
        return CHUNKS + attemptId + "/";
    }

    private static String chunkKey(String attemptId, int i) {
        return chunkPrefix(attemptId) + String.format("%06d", i);
    }

    private void deleteChunksQuietly(String attemptId) {
        try {
            etcd.await(kv.delete(etcd.key(chunkPrefix(attemptId)), DeleteOption.builder().isPrefix(true).build()), "delete chunks of a lost publish");
        } catch (StoreUnavailableException e) {
            LOG.warn("could not delete the chunks of a publish that lost its compare-and-set (attempt {}): {}", attemptId, e.getMessage());
        }
    }

    private String manifestJson(Plan plan, byte[] encoded, int chunks, String attemptId) {
        var node = json.createObjectNode().put("generation", plan.generation().value()).put("hash", plan.hash().hex()).put("bytes", encoded.length)
                .put("sha256", HexFormat.of().formatHex(sha256(encoded))).put("chunks", chunks).put("attempt", attemptId);
        return node.toString();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A decimal key (latest, floor) and its mod revision; absent reads as (0, 0). */
    private Versioned number(String key) {
        GetResponse r = etcd.await(kv.get(etcd.key(key)), "read " + key);
        if (r.getKvs().isEmpty()) return new Versioned(0, 0);
        KeyValue v = r.getKvs().get(0);
        String text = v.getValue().toString(StandardCharsets.UTF_8);
        try {
            long n = Long.parseLong(text);
            if (n < 0) throw new NumberFormatException("negative");
            return new Versioned(n, v.getModRevision());
        } catch (NumberFormatException e) {
            throw new StoreUnavailableException("etcd key " + etcd.settings().prefix() + key + " holds '" + text + "', not a generation: the plan store is damaged; restore it from a backup");
        }
    }

    @Override
    public Optional<Plan> latest() {
        Versioned latest = number(LATEST);
        if (latest.value() == 0) return Optional.empty();
        Generation g = Generation.of(latest.value());
        Cached c = cached;
        if (c != null && c.generation().equals(g)) return Optional.of(c.plan());
        Optional<Plan> plan = read(g);
        if (plan.isEmpty()) throw new StoreUnavailableException("the latest plan " + g + " has no manifest in etcd: the plan store is damaged");
        return plan;
    }

    @Override
    public Optional<Plan> read(Generation generation) {
        if (generation == null) throw new IllegalArgumentException("generation must not be null");
        if (generation.value() == 0) return Optional.empty();
        Optional<Manifest> m = manifest(generation);
        if (m.isEmpty()) return Optional.empty();
        Cached c = cached;
        if (c != null && c.generation().equals(generation) && c.manifestRevision() >= m.get().modRevision()) return Optional.of(c.plan());
        Plan plan = assemble(m.get());
        Versioned latest = number(LATEST);
        if (latest.value() == generation.value()) cached = new Cached(generation, m.get().modRevision(), plan);
        return Optional.of(plan);
    }

    private Optional<Manifest> manifest(Generation g) {
        GetResponse r = etcd.await(kv.get(etcd.key(manifestKey(g))), "read manifest of " + g);
        if (r.getKvs().isEmpty()) return Optional.empty();
        KeyValue v = r.getKvs().get(0);
        try {
            JsonNode n = json.readTree(v.getValue().getBytes());
            Manifest m = new Manifest(Generation.of(n.required("generation").asLong()), n.required("hash").asText(), n.required("bytes").asLong(),
                    n.required("sha256").asText(), n.required("chunks").asInt(), n.required("attempt").asText(), v.getModRevision());
            if (!m.generation().equals(g) || m.chunks() < 1 || m.bytes() < 0 || m.bytes() > PLAN_BYTES_MAX) throw new IOException("manifest fields out of range");
            return Optional.of(m);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreUnavailableException("manifest of " + g + " in etcd cannot be read (" + e.getMessage() + "): the plan store is damaged");
        }
    }

    /** Reads and checks every chunk of one plan: count, total size and SHA-256 must match the manifest. */
    private Plan assemble(Manifest m) {
        GetResponse r = etcd.await(kv.get(etcd.key(chunkPrefix(m.attempt())), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build()), "read chunks of " + m.generation());
        if (r.getKvs().size() != m.chunks()) throw damaged(m, r.getKvs().size() + " chunks instead of " + m.chunks());
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(m.bytes(), Integer.MAX_VALUE - 8));
        for (KeyValue kv : r.getKvs()) out.writeBytes(kv.getValue().getBytes());
        byte[] bytes = out.toByteArray();
        if (bytes.length != m.bytes() || !HexFormat.of().formatHex(sha256(bytes)).equals(m.sha256())) throw damaged(m, "its bytes do not match the manifest's SHA-256");
        Plan plan;
        try {
            plan = PlanBytes.decode(bytes);
        } catch (IOException | IllegalArgumentException e) {
            throw damaged(m, "its bytes match their checksum but do not decode (" + e.getMessage() + ")");
        }
        if (!plan.generation().equals(m.generation()) || !plan.hash().hex().equals(m.hash())) throw damaged(m, "it decodes to " + plan);
        if (!plan.verifyHash()) LOG.warn("plan {} does not match its stored hash {}; enactors will refuse it until a newer plan is published", plan.generation(), plan.hash());
        return plan;
    }

    private StoreUnavailableException damaged(Manifest m, String why) {
        return new StoreUnavailableException("plan " + m.generation() + " in etcd is damaged: " + why + " (chunks under " + etcd.settings().prefix() + chunkPrefix(m.attempt()) + ")");
    }

    @Override
    public List<Generation> history() {
        GetResponse r = etcd.await(kv.get(etcd.key(MANIFESTS), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build()), "list plan history");
        List<Generation> out = new ArrayList<>(r.getKvs().size());
        for (KeyValue v : r.getKvs()) out.add(Generation.of(Long.parseLong(etcd.suffix(v.getKey()).substring(MANIFESTS.length()))));
        return List.copyOf(out);
    }

    @Override
    public boolean delete(Generation generation) {
        if (generation == null) throw new IllegalArgumentException("generation must not be null");
        Versioned latest = number(LATEST);
        if (latest.value() == generation.value()) throw new IllegalArgumentException("refusing to delete the latest plan " + generation);
        Optional<Manifest> m = manifest(generation);
        if (m.isEmpty()) return false;
        // Generations only grow, so a plan that is not the latest now never becomes it again: comparing
        // the manifest's own revision is enough to delete exactly what was read.
        TxnResponse r = etcd.await(kv.txn().If(compareRevision(manifestKey(generation), m.get().modRevision()))
                .Then(Op.delete(etcd.key(manifestKey(generation)), DeleteOption.DEFAULT),
                        Op.delete(etcd.key(chunkPrefix(m.get().attempt())), DeleteOption.builder().isPrefix(true).build()))
                .commit(), "delete plan " + generation);
        return r.isSucceeded();
    }

    @Override
    public ControlFlags flags() {
        return readFlags().flags();
    }

    private record VersionedFlags(ControlFlags flags, long modRevision) {}

    private VersionedFlags readFlags() {
        GetResponse r = etcd.await(kv.get(etcd.key(FLAGS)), "read control flags");
        if (r.getKvs().isEmpty()) return new VersionedFlags(ControlFlags.NONE, 0);
        KeyValue v = r.getKvs().get(0);
        try {
            JsonNode n = json.readTree(v.getValue().getBytes());
            return new VersionedFlags(new ControlFlags(n.required("paused").asBoolean(), n.required("pinned").asBoolean()), v.getModRevision());
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreUnavailableException("control flags in etcd cannot be read (" + e.getMessage() + "); rewrite " + etcd.settings().prefix() + FLAGS);
        }
    }

    @Override
    public boolean updateFlags(ControlFlags expected, ControlFlags next) {
        if (expected == null || next == null) throw new IllegalArgumentException("flags must not be null");
        for (int attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
            VersionedFlags now = readFlags();
            if (!now.flags().equals(expected)) return false;
            if (now.flags().equals(next)) return true; // already durable as asked
            String value = json.createObjectNode().put("paused", next.paused()).put("pinned", next.pinned()).toString();
            TxnResponse r = etcd.await(kv.txn().If(compareRevision(FLAGS, now.modRevision()))
                    .Then(Op.put(etcd.key(FLAGS), Etcd.bytes(value), PutOption.DEFAULT)).commit(), "update control flags");
            if (r.isSucceeded()) return true;
            // Someone wrote the flags between our read and our transaction: judge again on what they wrote.
        }
        throw new StoreUnavailableException("control flags changed under " + CAS_ATTEMPTS_MAX + " compare-and-sets in a row");
    }

    /** The etcd revision at which {@code plan/latest} last changed, 0 if never: watchers resume from here. */
    long latestRevision() {
        return number(LATEST).modRevision();
    }

    /** The key watchers of new plans watch ({@link EtcdPlanWatch}). */
    ByteSequence latestKey() {
        return etcd.key(LATEST);
    }
}
