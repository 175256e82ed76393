package io.waymark.adapters.rfc2136;

/** The RFC 2136 store against a real Knot server started on loopback by the test. */
class KnotStoreTest extends Rfc2136StoreContract {
    @Override
    LocalDnsServer.Kind kind() {
        return LocalDnsServer.Kind.KNOT;
    }
}
