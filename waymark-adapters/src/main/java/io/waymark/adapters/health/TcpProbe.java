package io.waymark.adapters.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Passes when a TCP connection to {@code address} is established within the timeout. The connect is
 * the whole probe (nothing is read), so its timeout is the probe's one deadline.
 */
public record TcpProbe(InetSocketAddress address) implements Probe {
    public TcpProbe {
        if (address == null || address.isUnresolved()) throw new IllegalArgumentException("TCP probe needs a resolved address, got " + address);
    }

    @Override
    public boolean passes(Duration timeout) {
        try (Socket socket = new Socket()) {
            // Socket takes an int of milliseconds: at least 1 (0 would mean "forever"), at most Integer.MAX_VALUE.
            socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
