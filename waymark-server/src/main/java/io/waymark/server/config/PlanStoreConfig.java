package io.waymark.server.config;

import io.waymark.adapters.etcd.EtcdSettings;

/** Where plans and control flags live: the embedded file store in the data directory, or etcd. One record per type. */
public sealed interface PlanStoreConfig {
    /** {@code planStore: { type: file }} (the default): {@code DATA_DIR/plans.log}. */
    record File() implements PlanStoreConfig {}

    /** {@code planStore: { type: etcd, endpoints: [...], prefix: /waymark/, ... }}: distributed mode. */
    record Etcd(EtcdSettings settings) implements PlanStoreConfig {}

    PlanStoreConfig DEFAULT = new File();
}
