package io.waymark.server.config;

/** Where records live (the DNS backend). One record per type. */
public sealed interface RecordStoreConfig {
    /** {@code recordStore: { type: embedded }} (the default): {@code DATA_DIR/records.log}, served by this process. */
    record Embedded() implements RecordStoreConfig {}

    /** {@code recordStore: { type: etcd }}: one key per endpoint in the plan store's etcd, served by DNS role processes. */
    record Etcd() implements RecordStoreConfig {}

    RecordStoreConfig DEFAULT = new Embedded();
}
