package io.waymark.sim.legacy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The DNS layout of the legacy system (INCIDENT.md): per plan version, leaf records per load balancer
 * under one weighted record (a "plan tree", named by a UUID); per endpoint a stable alias to the live
 * plan's tree, a rollback record to the previous one, and a lock record (holder, expiry). A change
 * batch is atomic, like a Route 53 transaction, and is rejected when it references a missing record.
 */
public final class LegacyDns {
    /** One plan version's records for one endpoint: the weighted record and its leaves. */
    public record PlanTree(String uuid, Generation generation, RecordSet leaves) {}

    public record Lock(String holder, long expiresAtMillis) {}

    /** Why a change batch was rejected. */
    public static final class BatchRejected extends Exception {
        public BatchRejected(String message) {
            super(message);
        }
    }

    private final Map<String, PlanTree> trees = new HashMap<>();
    private final Map<Endpoint, String> alias = new TreeMap<>();
    private final Map<Endpoint, String> rollback = new TreeMap<>();
    private final Map<Endpoint, Lock> locks = new TreeMap<>();

    /** What a resolver gets: the addresses behind the alias, or none (NOERROR, empty answer). */
    public List<WeightedAddress> resolve(Endpoint endpoint) {
        String target = alias.get(endpoint);
        if (target == null) return List.of();
        PlanTree t = trees.get(target);
        return t == null ? List.of() : t.leaves().addresses();
    }

    public boolean aliased(Endpoint endpoint) {
        return alias.containsKey(endpoint);
    }

    /** The plan version the alias points at (even when its tree is gone). */
    public Optional<Generation> aliasedGeneration(Endpoint endpoint) {
        String target = alias.get(endpoint);
        if (target == null) return Optional.empty();
        PlanTree t = trees.get(target);
        if (t != null) return Optional.of(t.generation());
        return Optional.ofNullable(deletedGenerations.get(target));
    }

    private final Map<String, Generation> deletedGenerations = new HashMap<>();

    public boolean treeExists(String uuid) {
        return trees.containsKey(uuid);
    }

    public Optional<String> aliasTarget(Endpoint endpoint) {
        return Optional.ofNullable(alias.get(endpoint));
    }

    /** Lock record: delete-then-create at the head of a batch; fails while another holder's lock lives. */
    public boolean tryLock(Endpoint endpoint, String holder, long nowMillis, long leaseMillis) {
        Lock l = locks.get(endpoint);
        if (l != null && !l.holder().equals(holder) && l.expiresAtMillis() > nowMillis) return false;
        locks.put(endpoint, new Lock(holder, nowMillis + leaseMillis));
        return true;
    }

    public void unlock(Endpoint endpoint, String holder) {
        Lock l = locks.get(endpoint);
        if (l != null && l.holder().equals(holder)) locks.remove(endpoint);
    }

    public Optional<Lock> lock(Endpoint endpoint) {
        return Optional.ofNullable(locks.get(endpoint));
    }

    /**
     * The apply transaction: create the new plan's tree, move the rollback record to the tree being
     * replaced, point the alias at the new tree -- all or nothing. The rollback record must reference an
     * existing record: if the live tree is gone the whole batch is rejected.
     */
    public void applyBatch(Endpoint endpoint, PlanTree next) throws BatchRejected {
        String live = alias.get(endpoint);
        if (live != null && !trees.containsKey(live)) {
            throw new BatchRejected("rollback target " + live + " (" + deletedGenerations.get(live) + ") does not exist");
        }
        trees.put(next.uuid(), next);
        if (live != null) rollback.put(endpoint, live);
        alias.put(endpoint, next.uuid());
    }

    /** Clean-up: delete one plan version's tree. Nothing checks whether an alias points at it. */
    public boolean deleteTree(String uuid) {
        PlanTree t = trees.remove(uuid);
        if (t != null) deletedGenerations.put(uuid, t.generation());
        return t != null;
    }

    /** Clean-up of one old plan: deletes every tree of that plan version, whoever created it and whatever points at it. */
    public List<String> deleteTreesOf(Generation generation) {
        List<String> doomed = trees.values().stream().filter(t -> t.generation().equals(generation)).map(PlanTree::uuid).sorted().toList();
        for (String uuid : doomed) deleteTree(uuid);
        return doomed;
    }

    /** Trees of plan versions strictly older than {@code generation}, oldest first. */
    public List<PlanTree> treesOlderThan(Generation generation) {
        return trees.values().stream().filter(t -> t.generation().compareTo(generation) < 0)
                .sorted((a, b) -> a.generation().compareTo(b.generation())).toList();
    }
}
