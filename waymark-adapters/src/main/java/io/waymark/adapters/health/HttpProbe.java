package io.waymark.adapters.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Passes when {@code GET uri} answers with a 2xx or 3xx status, body included, within the timeout. Redirects are not
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

    /**
     * One deadline for the whole probe: connect, request, headers AND body. The request timeout of
     * {@link HttpClient} covers only the wait for the headers, so a target that sends its headers and
     * then trickles its body held a probe (and froze the target's health) for as long as it trickled
     * (issue 7, defect 11). The exchange runs asynchronously; when the deadline passes it is cancelled,
     * which aborts it and closes its connection, and the probe fails.
     */
    @Override
    public boolean passes(Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "waymark-health").GET().build();
        CompletableFuture<HttpResponse<Void>> exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int status = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
            return status >= 200 && status < 400;
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return false; // too slow as a whole: not healthy now
        } catch (ExecutionException e) {
            return false; // refused, reset, timed out: all mean "not healthy now"
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
    }
}
