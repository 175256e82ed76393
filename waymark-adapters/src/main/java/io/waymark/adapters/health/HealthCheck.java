package io.waymark.adapters.health;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.regex.Pattern;

/** What to check for one target: its id (as in {@code io.waymark.core.model.Target#id}), the probe and the policy. */
public record HealthCheck(String targetId, Probe probe, CheckPolicy policy) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public HealthCheck {
        if (targetId == null || !ID.matcher(targetId).matches()) throw new IllegalArgumentException("target id must match " + ID + ", got '" + targetId + "'");
        if (probe == null || policy == null) throw new IllegalArgumentException("health check of " + targetId + " needs a probe and a policy");
    }

    /** An HTTP GET check; share {@code client} among checks (see {@link HttpProbe#newClient}). */
    public static HealthCheck http(String targetId, HttpClient client, URI uri, CheckPolicy policy) {
        return new HealthCheck(targetId, new HttpProbe(client, uri), policy);
    }

    /** A TCP connect check. */
    public static HealthCheck tcp(String targetId, InetSocketAddress address, CheckPolicy policy) {
        return new HealthCheck(targetId, new TcpProbe(address), policy);
    }
}
