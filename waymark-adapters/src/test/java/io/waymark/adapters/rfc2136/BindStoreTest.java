package io.waymark.adapters.rfc2136;

/** The RFC 2136 store against a real BIND 9 server started on loopback by the test. */
class BindStoreTest extends Rfc2136StoreContract {
    @Override
    LocalDnsServer.Kind kind() {
        return LocalDnsServer.Kind.BIND;
    }
}
