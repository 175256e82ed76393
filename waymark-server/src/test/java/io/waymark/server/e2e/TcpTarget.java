package io.waymark.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A real TCP health-check target on a loopback address: accepts and closes every connection (a
 * listener that never accepts fills its backlog and then fails checks on its own), fails by closing
 * its socket and recovers by binding again.
 */
final class TcpTarget implements AutoCloseable {
    private final InetAddress address;
    private int port;
    private ServerSocket socket;

    TcpTarget(String address, int port) throws IOException {
        this.address = InetAddress.getByName(address);
        this.port = port;
        recover();
    }

    int port() {
        return port;
    }

    synchronized boolean up() {
        return socket != null && !socket.isClosed();
    }

    synchronized void recover() throws IOException {
        if (up()) return;
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(address, port), 50);
        port = s.getLocalPort();
        socket = s;
        Thread.ofVirtual().name("target-" + address.getHostAddress()).start(() -> {
            while (!s.isClosed()) { // ends when fail() closes the socket
                try (Socket c = s.accept()) {
                    c.setSoLinger(true, 0);
                } catch (IOException e) {
                    // closed by fail(), or a client that went away
                }
            }
        });
    }

    synchronized void fail() throws IOException {
        if (socket != null) socket.close();
    }

    @Override
    public void close() throws IOException {
        fail();
    }
}
