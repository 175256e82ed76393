package io.waymark.adapters.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a process when a plan is published anywhere: a watch on the plan store's latest key. Only a
 * nudge — enactors still poll the store every tick (the net under a lost watch), and on a nudge they
 * read the latest plan through the store like on any tick. jetcd re-establishes the watch after a
 * member fails; a watch that fails for good is logged and polling carries on alone.
 */
public final class EtcdPlanWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdPlanWatch.class);
    private final Watch.Watcher watcher;
    private final AtomicLong nudges = new AtomicLong();

    public EtcdPlanWatch(Etcd etcd, EtcdPlanStore store, Runnable onNewPlan) {
        this.watcher = etcd.client().getWatchClient().watch(store.latestKey(), WatchOption.builder().withNoDelete(true).build(),
                Watch.listener(response -> {
                    if (!response.getEvents().isEmpty()) {
                        nudges.incrementAndGet();
                        onNewPlan.run();
                    }
                }, error -> LOG.warn("watch on the latest plan failed ({}); enactors keep polling", error.toString())));
    }

    /** How many times the watch reported a new plan (for tests and status). */
    public long nudges() {
        return nudges.get();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
