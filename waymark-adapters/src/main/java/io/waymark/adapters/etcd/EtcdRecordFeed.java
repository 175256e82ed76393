package io.waymark.adapters.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.waymark.adapters.record.ServingSink;
import io.waymark.adapters.record.StampedRecordCodec;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a DNS role process serves, fed from etcd: a full read of the record keys at one revision, then
 * a watch from the next revision, each batch of events handed to the {@link ServingSink} (the DNS
 * authority) as ONE snapshot. The sink keeps serving whatever it was given last: when etcd is
 * unreachable the DNS server keeps answering the last records it had, and {@link #status} says so
 * (since when, at which revision).
 *
 * <p>Driven by {@link #step}, at the caller's pace (a loop, once a second): each step checks that etcd
 * answers (a count-only read, bounded by the request timeout) and (re)loads when nothing is loaded
 * yet, or the watch failed for good (e.g. its revision was compacted). jetcd itself resumes a watch
 * after a member fails, from the last revision it saw, so a short outage costs no reload.
 *
 * <p>Monotonic per endpoint (I2 at the edge): an event or a reload never replaces an endpoint's
 * records with a stamp of a lower generation than the one served (etcd never goes back, but a reload
 * from a member that is behind must not either). A value that cannot be decoded is skipped, and the
 * endpoint keeps what it served (I1).
 */
public final class EtcdRecordFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdRecordFeed.class);
    /** Keys per page of the full read: bounded responses however many endpoints there are. */
    static final int PAGE_KEYS = 2_000;
    /** Pages per reload at most: {@link io.waymark.core.model.PlanDraft#ENDPOINTS_MAX} endpoints. */
    private static final int PAGES_MAX = io.waymark.core.model.PlanDraft.ENDPOINTS_MAX / PAGE_KEYS + 1;

    private final Etcd etcd;
    private final ServingSink sink;
    private final ByteSequence prefix;
    private final Object lock = new Object();
    /** Guarded by lock: the stamps served now, the revision they reflect, and the live watch. */
    private final Map<Endpoint, Stamp> served = new HashMap<>();
    /** What {@link EtcdRecordStore#read} would answer now for each stored endpoint (undecodable values included). */
    private final Map<Endpoint, StampedRecords> stored = new HashMap<>();
    private long revision;
    private Watch.Watcher watcher;
    private volatile boolean watchBroken;
    private volatile Status status = new Status(false, false, 0, 0, 0, "not loaded yet", 0);
    private long skipped;
    /** Watch responses handed over by jetcd's event loop, applied by {@link #applier} in order. */
    static final int PENDING_RESPONSES_MAX = 4_096;
    private final java.util.concurrent.BlockingQueue<WatchResponse> pending = new java.util.concurrent.ArrayBlockingQueue<>(PENDING_RESPONSES_MAX);
    private final Thread applier;
    private volatile boolean closed;

    /**
     * What the feed knows: whether it has loaded, whether etcd answered the last check, the revision
     * served, how many endpoints, since when (caller's nanos) etcd has been unreachable (0: reachable),
     * the last problem, and values skipped as undecodable.
     */
    public record Status(boolean loaded, boolean reachable, long revision, int endpoints, long unreachableSinceNanos, String problem, long skipped) {}

    public EtcdRecordFeed(Etcd etcd, ServingSink sink) {
        if (!sink.removes()) throw new IllegalArgumentException("the DNS feed needs a sink that can stop serving retired endpoints");
        this.etcd = etcd;
        this.sink = sink;
        this.prefix = etcd.key(EtcdRecordStore.RECORDS);
        this.applier = Thread.ofPlatform().daemon().name("etcd-record-feed").start(this::applyQueued);
    }

    /** One check, and a (re)load when needed. Never throws for an unreachable etcd: that is status. */
    public Status step(long nowNanos) {
        Status s = status;
        try {
            if (!s.loaded() || watchBroken) {
                reload();
            } else {
                etcd.await(etcd.client().getKVClient().get(prefix, GetOption.builder().withCountOnly(true).isPrefix(true).build()), "check etcd");
            }
            synchronized (lock) {
                status = new Status(true, true, revision, served.size(), 0, "", skipped);
            }
        } catch (StoreUnavailableException e) {
            long since = s.reachable() || s.unreachableSinceNanos() == 0 ? nowNanos : s.unreachableSinceNanos();
            if (s.reachable() || !s.loaded() && s.unreachableSinceNanos() == 0) {
                LOG.warn("etcd unreachable; DNS keeps answering the last records it had (revision {}): {}", s.revision(), e.getMessage());
            }
            synchronized (lock) {
                status = new Status(s.loaded(), false, revision, served.size(), since, e.getMessage(), skipped);
            }
        }
        return status;
    }

    public Status status() {
        return status;
    }

    /** Full read at one revision, diffed against what is served, published as one snapshot; then watch from there. */
    private void reload() {
        Map<Endpoint, KeyValue> now = new LinkedHashMap<>();
        long at = 0;
        ByteSequence from = prefix;
        ByteSequence end = prefixEnd(prefix);
        for (int page = 0; page < PAGES_MAX; page++) {
            GetOption.Builder o = GetOption.builder().withRange(end).withLimit(PAGE_KEYS).withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND);
            if (at != 0) o.withRevision(at);
            GetResponse r = etcd.await(etcd.client().getKVClient().get(from, o.build()), "load records (page " + page + ")");
            if (at == 0) at = r.getHeader().getRevision();
            for (KeyValue kv : r.getKvs()) now.put(new Endpoint(etcd.suffix(kv.getKey()).substring(EtcdRecordStore.RECORDS.length())), kv);
            if (!r.isMore() || r.getKvs().isEmpty()) break;
            from = after(r.getKvs().get(r.getKvs().size() - 1).getKey());
        }
        synchronized (lock) {
            if (watcher != null) watcher.close();
            Map<Endpoint, RecordSet> changed = new HashMap<>();
            for (Map.Entry<Endpoint, KeyValue> e : now.entrySet()) accept(e.getKey(), e.getValue(), changed);
            Set<Endpoint> removed = new HashSet<>(served.keySet());
            removed.removeAll(now.keySet());
            served.keySet().removeAll(removed);
            stored.keySet().retainAll(now.keySet());
            sink.publish(changed, removed);
            revision = at;
            watchBroken = false;
            watcher = etcd.client().getWatchClient().watch(prefix, WatchOption.builder().isPrefix(true).withRevision(at + 1).build(),
                    Watch.listener(this::enqueue, this::onWatchError));
            LOG.info("DNS feed loaded {} endpoints at etcd revision {} ({} changed, {} removed)", served.size(), at, changed.size(), removed.size());
        }
    }

    /** Adds one stored value to {@code changed} if it decodes and does not move its endpoint back. Under lock. */
    private void accept(Endpoint endpoint, KeyValue kv, Map<Endpoint, RecordSet> changed) {
        stored.put(endpoint, EtcdRecordStore.decode(endpoint, kv));
        StampedRecordCodec.Decoded d;
        try {
            d = StampedRecordCodec.decode(kv.getValue().getBytes());
        } catch (IllegalArgumentException e) {
            skipped++;
            LOG.warn("skipping undecodable records of {} at revision {}; it keeps what it served", endpoint, kv.getModRevision());
            return;
        }
        if (!d.endpoint().equals(endpoint)) {
            skipped++;
            return;
        }
        Stamp before = served.get(endpoint);
        if (before != null && before.generation().isAfter(d.stamp().generation())) return;
        served.put(endpoint, d.stamp());
        changed.put(endpoint, d.records());
    }

    /**
     * Runs on jetcd's event loop: only hands the response over. Building a DNS snapshot there blocked
     * the loop for seconds under a 100,000-endpoint plan, and with it every other call of this client.
     * A full queue means the applier fell far behind: reload instead of queueing without bound.
     */
    private void enqueue(WatchResponse response) {
        if (!pending.offer(response)) {
            LOG.warn("DNS feed fell {} watch responses behind; reloading at the next step", PENDING_RESPONSES_MAX);
            watchBroken = true;
        }
    }

    /** The applier thread: takes every queued response, and serves them as ONE snapshot (a group commit of watch events). */
    private void applyQueued() {
        java.util.List<WatchResponse> batch = new java.util.ArrayList<>();
        while (!closed) {
            try {
                WatchResponse first = pending.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                pending.drainTo(batch, PENDING_RESPONSES_MAX);
                onEvents(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("DNS feed could not apply a batch of watch events; reloading", e);
                watchBroken = true;
            } finally {
                batch.clear();
            }
        }
    }

    private void onEvents(java.util.List<WatchResponse> responses) {
        synchronized (lock) {
            Map<Endpoint, RecordSet> changed = new LinkedHashMap<>();
            Set<Endpoint> removed = new HashSet<>();
            long last = revision;
            for (WatchEvent ev : responses.stream().flatMap(r -> r.getEvents().stream()).toList()) {
                KeyValue kv = ev.getKeyValue();
                if (kv.getModRevision() <= revision) continue; // already in the last load
                Endpoint endpoint = new Endpoint(etcd.suffix(kv.getKey()).substring(EtcdRecordStore.RECORDS.length()));
                if (ev.getEventType() == WatchEvent.EventType.DELETE) {
                    changed.remove(endpoint);
                    stored.remove(endpoint);
                    if (served.remove(endpoint) != null) removed.add(endpoint);
                } else if (ev.getEventType() == WatchEvent.EventType.PUT) {
                    removed.remove(endpoint);
                    accept(endpoint, kv, changed);
                }
                last = Math.max(last, kv.getModRevision());
            }
            if (changed.isEmpty() && removed.isEmpty()) return;
            try {
                sink.publish(changed, removed);
            } catch (RuntimeException e) {
                // Not served: reload everything at the next step rather than serve a partial picture.
                LOG.error("DNS refused a batch of {} changes from etcd; reloading", changed.size() + removed.size(), e);
                watchBroken = true;
                return;
            }
            revision = last;
            Status s = status;
            status = new Status(s.loaded(), s.reachable(), revision, served.size(), s.unreachableSinceNanos(), s.problem(), skipped);
        }
    }

    private void onWatchError(Throwable error) {
        LOG.warn("watch on the record keys failed ({}); reloading at the next step", error.toString());
        watchBroken = true;
    }

    private static ByteSequence prefixEnd(ByteSequence prefix) {
        byte[] b = prefix.getBytes();
        byte[] end = Arrays.copyOf(b, b.length);
        end[end.length - 1]++; // prefixes end in '/', never 0xff
        return ByteSequence.from(end);
    }

    private static ByteSequence after(ByteSequence key) {
        byte[] b = key.getBytes();
        return ByteSequence.from(Arrays.copyOf(b, b.length + 1)); // the smallest key greater than key
    }

    /**
     * What etcd held for {@code endpoint} as of the watched revision ({@link StampedRecords#ABSENT} if
     * nothing), while loaded and reaching etcd; empty otherwise (ask etcd). See {@link EtcdRecordStore#readingFrom}.
     */
    public Optional<StampedRecords> stored(Endpoint endpoint) {
        Status s = status;
        if (!s.loaded() || !s.reachable() || watchBroken) return Optional.empty();
        synchronized (lock) {
            return Optional.of(stored.getOrDefault(endpoint, StampedRecords.ABSENT));
        }
    }

    /** How many endpoints are served at {@code generation} or later (benchmarks: "all of them serve the new plan"). */
    public int servedAtLeast(long generation) {
        synchronized (lock) {
            int n = 0;
            for (Stamp s : served.values()) if (s.generation().value() >= generation) n++;
            return n;
        }
    }

    /** The stamp served for {@code endpoint} now (tests, status). */
    public Optional<Stamp> served(Endpoint endpoint) {
        synchronized (lock) {
            return Optional.ofNullable(served.get(endpoint));
        }
    }

    @Override
    public void close() {
        closed = true;
        applier.interrupt();
        synchronized (lock) {
            if (watcher != null) watcher.close();
            watcher = null;
        }
    }
}
