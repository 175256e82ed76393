package io.waymark.server.config;

import io.waymark.adapters.rfc2136.Rfc2136Settings;

/** Where records live (the DNS backend). One record per type. */
public sealed interface RecordStoreConfig {
    /** {@code recordStore: { type: embedded }} (the default): {@code DATA_DIR/records.log}, served by this process. */
    record Embedded() implements RecordStoreConfig {}

    /**
     * {@code recordStore: { type: rfc2136, server: HOST:PORT, zone: ZONE, tsig: {...} }}: records on a
     * standard authoritative server (BIND, Knot, PowerDNS) written with TSIG-signed UPDATE; the embedded
     * DNS server is not started.
     */
    record Rfc2136(Rfc2136Settings settings) implements RecordStoreConfig {}

    /** {@code recordStore: { type: etcd }}: one key per endpoint in the plan store's etcd, served by DNS role processes. */
    record Etcd() implements RecordStoreConfig {}

    RecordStoreConfig DEFAULT = new Embedded();
}
