package io.waymark.server.testing;

/**
 * Zone {@code example.test.} with what an endpoint may not be placed at: a CNAME ({@code alias}) and a
 * delegation with glue ({@code sub}, {@code ns.sub}); {@code www} is an ordinary name. The unservable-
 * endpoint tests (configuration refusal and real daemon processes) share it.
 */
public final class ExampleZone {
    /** Written as {@code example.test.zone} beside the configuration. */
    public static final String FILE_NAME = "example.test.zone";

    public static final String TEXT = """
            $ORIGIN example.test.
            $TTL 3600
            @      IN SOA ns1 hostmaster 1 3600 600 86400 30
            @      IN NS  ns1
            ns1    IN A   192.0.2.53
            www    IN A   192.0.2.1
            alias  IN CNAME www
            sub    IN NS  ns.sub
            ns.sub IN A   192.0.2.99
            """;

    private ExampleZone() {}
}
