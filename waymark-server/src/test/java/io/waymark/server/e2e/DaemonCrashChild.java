package io.waymark.server.e2e;

import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.server.daemon.Daemon;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The child JVM of {@link DaemonKillTest}: runs the real daemon on a data directory and feeds it a
 * stream of plans, each changing every endpoint, while its three enactors apply them. It reports, one
 * whole line per write(2) to the file named by {@value #REPORT_PROPERTY} (not to stdout: see
 * DaemonKillTest.Child for why):
 * <ul>
 *   <li>{@code PUBLISHED g} after the plan store acknowledged (fsynced) generation g;</li>
 *   <li>{@code SEEN g i,j,...} for endpoints the record store reports at generation g. The record
 *       store's reads show only durable, served state (its applies return only then), so each SEEN is an
 *       acknowledgement that the apply survives a crash;</li>
 *   <li>{@code ACK g} once every endpoint has been SEEN at g; then the next plan is published.</li>
 * </ul>
 * It never stops by itself: the parent kills it with SIGKILL.
 */
public final class DaemonCrashChild {
    private static final int ROUNDS_MAX = 10_000;
    private static final long ROUND_TIMEOUT_MS = 120_000;

    static final String REPORT_PROPERTY = "waymark.test.report";

    private DaemonCrashChild() {}

    /** One line, in one write: once this returns it is in the kernel, and the parent sees it even after a SIGKILL. */
    private static void report(FileOutputStream out, CharSequence line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        FileOutputStream out = new FileOutputStream(System.getProperty(REPORT_PROPERTY), true);
        // Pinned before the daemon starts: this stream is the only publisher, so generation g is round g.
        try (FilePlanStore s = FilePlanStore.open(data)) {
            s.updateFlags(s.flags(), ControlFlags.NONE.withPinned(true));
        }
        Daemon daemon = Daemon.start(CrashWorkload.config(data, n), Optional.empty());
        RecordStore records = daemon.recordStore();
        long[] seen = new long[n];
        for (long g = 1; g <= ROUNDS_MAX; g++) {
            PublishOutcome o = daemon.planStore().publish(Generation.of(g - 1), CrashWorkload.draft(n, g));
            if (!(o instanceof PublishOutcome.Published p) || p.plan().generation().value() != g) throw new IllegalStateException("publish of g" + g + ": " + o);
            report(out, "PUBLISHED " + g);
            long deadline = System.currentTimeMillis() + ROUND_TIMEOUT_MS;
            int pending = n;
            while (pending > 0) {
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("g" + g + " not applied in time");
                List<Integer> newly = new ArrayList<>();
                pending = 0;
                for (int i = 0; i < n; i++) {
                    long now = records.read(CrashWorkload.endpoint(i)).stamp().generation().value();
                    if (now > seen[i]) {
                        if (now != g) throw new IllegalStateException(CrashWorkload.name(i) + " at g" + now + " while g" + g + " is the latest");
                        seen[i] = now;
                        newly.add(i);
                    }
                    if (seen[i] < g) pending++;
                }
                if (!newly.isEmpty()) {
                    StringBuilder sb = new StringBuilder("SEEN ").append(g).append(' ');
                    for (int k = 0; k < newly.size(); k++) sb.append(k == 0 ? "" : ",").append(newly.get(k));
                    report(out, sb);
                }
                Thread.sleep(2);
            }
            report(out, "ACK " + g);
        }
        daemon.close();
    }
}
