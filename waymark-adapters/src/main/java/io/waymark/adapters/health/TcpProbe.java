package io.waymark.adapters.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Passes when a TCP connection to {@code address} is established within the timeout. */
public record TcpProbe(InetSocketAddress address) implements Probe {
    public TcpProbe {
        if (address == null || address.isUnresolved()) throw new IllegalArgumentException("TCP probe needs a resolved address, got " + address);
    }

    @Override
    public boolean passes(Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
