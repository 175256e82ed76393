package io.waymark.adapters.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.netty.handler.ssl.SslContextBuilder;
import io.waymark.core.port.StoreUnavailableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * One connection to an etcd cluster (a jetcd {@link Client}) and the key prefix of one Waymark
 * installation. Every request goes through {@link #await}: bounded by the settings' timeout, and any
 * failure (timeout, no quorum, connection refused) becomes {@link StoreUnavailableException}, which
 * core already treats as "leave it to the next tick". For a write that timed out the outcome is
 * unknown; callers re-read, as the port says.
 */
public final class Etcd implements AutoCloseable {
    /** gRPC's default of 4 MiB would refuse a range read of a large plan's chunks. */
    static final int INBOUND_MESSAGE_BYTES_MAX = 256 << 20;

    private final Client client;
    private final EtcdSettings settings;
    private final AtomicLong requests;

    private Etcd(Client client, EtcdSettings settings, AtomicLong requests) {
        this.client = client;
        this.settings = settings;
        this.requests = requests;
    }

    public static Etcd connect(EtcdSettings settings) {
        ClientBuilder b = Client.builder().endpoints(settings.endpoints().toArray(URI[]::new)).maxInboundMessageSize(INBOUND_MESSAGE_BYTES_MAX)
                .connectTimeout(Duration.ofMillis(Math.min(settings.requestTimeoutMs(), 5_000)))
                // jetcd retries failed requests on its own; bound that below our own request timeout so
                // that a request to a cluster without quorum fails in time instead of hanging on.
                .retryMaxDuration(Duration.ofMillis(settings.requestTimeoutMs())).retryMaxAttempts(3).retryDelay(100).retryMaxDelay(1000)
                // etcd answers pings without an open call, or more often than its --grpc-keepalive-min-time
                // (5 s), with GOAWAY "too_many_pings", which drops every call on the connection: ping
                // only while calls are open (watches and lease keep-alives are), every 30 s.
                .keepaliveTime(Duration.ofSeconds(30)).keepaliveTimeout(Duration.ofSeconds(10)).keepaliveWithoutCalls(false);
        settings.credentials().ifPresent(c -> b.user(bytes(c.user())).password(bytes(c.password())));
        // Counts every gRPC call this connection starts (a watch or a lease keep-alive stream counts once):
        // the load one process puts on etcd, for status and for the steady-state benchmark.
        AtomicLong requests = new AtomicLong();
        b.interceptor(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                requests.incrementAndGet();
                return next.newCall(method, options);
            }
        });
        if (settings.tls().isPresent()) {
            EtcdSettings.Tls tls = settings.tls().get();
            try {
                b.sslContext(s -> {
                    SslContextBuilder ssl = s.trustManager(tls.caFile().toFile());
                    if (tls.certFile().isPresent()) ssl.keyManager(tls.certFile().get().toFile(), tls.keyFile().orElseThrow().toFile());
                });
            } catch (SSLException e) {
                throw new IllegalArgumentException("etcd TLS files cannot be used: " + e.getMessage(), e);
            }
        }
        return new Etcd(b.build(), settings, requests);
    }

    /** gRPC calls started on this connection so far. */
    public long requests() {
        return requests.get();
    }

    public Client client() {
        return client;
    }

    public EtcdSettings settings() {
        return settings;
    }

    /** The key {@code prefix + suffix}. */
    public ByteSequence key(String suffix) {
        return bytes(settings.prefix() + suffix);
    }

    /** The text of a key without the prefix. */
    public String suffix(ByteSequence key) {
        String k = key.toString(StandardCharsets.UTF_8);
        if (!k.startsWith(settings.prefix())) throw new IllegalArgumentException("key " + k + " is not under " + settings.prefix());
        return k.substring(settings.prefix().length());
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** Waits for one request, at most the request timeout; any failure is {@link StoreUnavailableException} naming {@code what}. */
    public <T> T await(CompletableFuture<T> request, String what) {
        try {
            return request.get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.cancel(true);
            throw new StoreUnavailableException("etcd did not answer " + what + " within " + settings.requestTimeoutMs() + " ms (outcome unknown; re-read)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreUnavailableException("etcd failed " + what + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.cancel(true);
            throw new StoreUnavailableException("interrupted while waiting for etcd (" + what + ")", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
