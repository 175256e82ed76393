package io.waymark.adapters.rfc2136;

/** The RFC 2136 store against a real Knot server started on loopback by the test. */
class KnotStoreTest extends Rfc2136StoreContract {
    @Override
    AuthoritativeServer.Kind kind() {
        return AuthoritativeServer.Kind.KNOT;
    }
}
