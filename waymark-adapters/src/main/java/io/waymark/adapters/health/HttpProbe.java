package io.waymark.adapters.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Passes when {@code GET uri} answers with a 2xx or 3xx status within the timeout. Redirects are not
 * followed: a 3xx already proves the target is up, and following it could probe a different host.
 * Share one {@link HttpClient} among all probes ({@link #newClient()}): each client owns a
 * connection pool and a selector thread.
 */
public record HttpProbe(HttpClient client, URI uri) implements Probe {
    public HttpProbe {
        if (client == null) throw new IllegalArgumentException("HTTP probe needs a client");
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("HTTP probe needs an absolute http(s) URI, got " + uri);
        }
    }

    /** A client suited to health checks: HTTP/1.1, no redirects, short connect timeout. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).build();
    }

    @Override
    public boolean passes(Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "waymark-health").GET().build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        } catch (IOException e) {
            return false; // refused, reset, timed out: all mean "not healthy now"
        }
    }
}
