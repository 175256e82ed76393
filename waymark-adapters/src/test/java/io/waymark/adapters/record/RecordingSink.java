package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A serving sink that keeps what a DNS server would serve (removals too), and counts the snapshots it was asked for. */
final class RecordingSink implements ServingSink {
    private final Map<Endpoint, RecordSet> served = new HashMap<>();
    final AtomicInteger publishes = new AtomicInteger();

    @Override
    public synchronized void publish(Map<Endpoint, RecordSet> changed) {
        publishes.incrementAndGet();
        served.putAll(changed);
    }

    @Override
    public synchronized void publish(Map<Endpoint, RecordSet> changed, java.util.Set<Endpoint> removed) {
        publishes.incrementAndGet();
        served.putAll(changed);
        served.keySet().removeAll(removed);
    }

    @Override
    public boolean removes() {
        return true;
    }

    synchronized Map<Endpoint, RecordSet> served() {
        return Map.copyOf(served);
    }
}
