package io.waymark.server.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One real HTTP backend of the demo fleet, listening on its own loopback address. {@code /health}
 * answers 200 while the target is up and 503 once an operator "fails" it, so the daemon's ordinary
 * HTTP health check sees the failure exactly as it would see a real one.
 */
public final class DemoTarget implements AutoCloseable {
    private final String id;
    private final String zone;
    private final long capacity;
    private final HttpServer server;
    private final AtomicBoolean failing = new AtomicBoolean(false);

    DemoTarget(String id, String address, int port, String zone, long capacity) throws IOException {
        this.id = id;
        this.zone = zone;
        this.capacity = capacity;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 64);
        server.createContext("/health", this::health);
        server.createContext("/", this::hello);
        server.start();
    }

    private void health(HttpExchange x) throws IOException {
        boolean down = failing.get();
        reply(x, down ? 503 : 200, down ? "failing (demo)\n" : "ok\n");
    }

    private void hello(HttpExchange x) throws IOException {
        reply(x, failing.get() ? 503 : 200, "hello from " + id + " in " + zone + "\n");
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    public String id() {
        return id;
    }

    public String zone() {
        return zone;
    }

    public long capacity() {
        return capacity;
    }

    public String address() {
        return server.getAddress().getAddress().getHostAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public boolean failing() {
        return failing.get();
    }

    public void fail() {
        failing.set(true);
    }

    public void recover() {
        failing.set(false);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
