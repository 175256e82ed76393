package io.waymark.server.cli;

import java.util.concurrent.CountDownLatch;

/** Runs a started daemon in the foreground until SIGTERM/SIGINT, then closes it before the JVM halts. */
final class Foreground {
    private Foreground() {}

    static int untilStopped(AutoCloseable daemon) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        // The JVM halts as soon as its hooks return: the hook itself closes the daemon, so that stores
        // are closed and the DNS port released before exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                System.err.println("waymark: while stopping: " + e);
            } finally {
                closed.countDown();
            }
        }, "waymark-shutdown"));
        closed.await();
        return 0;
    }
}
