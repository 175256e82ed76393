package io.waymark.adapters.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a process when a plan is published anywhere: a watch on the plan store's latest key. Only a
 * nudge — enactors still poll the store every tick (the net under a lost watch), and on a nudge they
 * read the latest plan through the store like on any tick. jetcd re-establishes a watch after a
 * member fails; one that fails for good (the connection is gone) is set up again by {@link #step},
 * which also nudges once, since a plan may have been published while nobody watched.
 */
public final class EtcdPlanWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdPlanWatch.class);
    private final Etcd etcd;
    private final EtcdPlanStore store;
    private final Runnable onNewPlan;
    private final AtomicLong nudges = new AtomicLong();
    private Watch.Watcher watcher;
    private volatile boolean broken;

    public EtcdPlanWatch(Etcd etcd, EtcdPlanStore store, Runnable onNewPlan) {
        this.etcd = etcd;
        this.store = store;
        this.onNewPlan = onNewPlan;
        watch();
    }

    private synchronized void watch() {
        broken = false;
        watcher = etcd.client().getWatchClient().watch(store.latestKey(), WatchOption.builder().withNoDelete(true).build(),
                Watch.listener(response -> {
                    if (!response.getEvents().isEmpty()) {
                        nudges.incrementAndGet();
                        onNewPlan.run();
                    }
                }, error -> {
                    LOG.warn("watch on the latest plan failed ({}); enactors keep polling, and it is set up again", error.toString());
                    broken = true;
                }));
    }

    /** Sets the watch up again if it failed (call at the caller's pace, e.g. once a second). */
    public void step() {
        if (!broken) return;
        synchronized (this) {
            watcher.close();
            watch();
        }
        onNewPlan.run();
    }

    /** How many times the watch reported a new plan (for tests and status). */
    public long nudges() {
        return nudges.get();
    }

    @Override
    public synchronized void close() {
        watcher.close();
    }
}
