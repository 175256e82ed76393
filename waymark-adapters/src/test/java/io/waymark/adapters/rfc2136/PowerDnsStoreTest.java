package io.waymark.adapters.rfc2136;

/**
 * The RFC 2136 store against a real PowerDNS server (gsqlite3 backend) started on loopback by the
 * test. PowerDNS applies a large UPDATE much more slowly than BIND or Knot (about 40 endpoints per
 * second when their records are replaced, against thousands for BIND and Knot), so its messages get a longer timeout here.
 */
class PowerDnsStoreTest extends Rfc2136StoreContract {
    @Override
    LocalDnsServer.Kind kind() {
        return LocalDnsServer.Kind.PDNS;
    }

    @Override
    Rfc2136Settings settings() {
        return super.settings().withTimeoutMs(30_000);
    }

    /** About 40 replaced endpoints per second (measured): 300 endpoints keep the test under a minute. */
    @Override
    int streamEndpoints() {
        return 300;
    }
}
