package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.ChildProcess;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 a real child process in the middle of plan store writes; every acknowledged step survives. */
class PlanStoreKillTest {
    @TempDir Path dir;

    @RepeatedTest(2)
    void everyAcknowledgedStepSurvivesSigkill() throws Exception {
        Path data = dir.resolve("data");
        long last;
        String diagnostics;
        try (ChildProcess child = new ChildProcess(PlanStoreCrashChild.class, dir, data.toString())) {
            child.awaitAcks(30, 120);
            last = child.killAndLastAck();
            diagnostics = child.diagnostics();
        }
        try (FilePlanStore store = FilePlanStore.open(data)) {
            Plan latest = store.latest().orElseThrow();
            long g = latest.generation().value();
            // Step last+1 may have published (and deleted, and set flags) before the kill, in that order.
            assertThat(g).as("latest generation on reopen after %d acks; %s", last, diagnostics).isBetween(last, last + 1);
            TreeSet<Generation> history = new TreeSet<>(store.history());
            if (g == last) {
                assertThat(history).as(diagnostics).isEqualTo(PlanWorkload.historyAfter(last));
                assertThat(store.flags()).as(diagnostics).isEqualTo(PlanWorkload.flags(last));
            } else {
                assertThat(history).as(diagnostics).isIn(withPublish(last), PlanWorkload.historyAfter(last + 1));
                assertThat(store.flags()).as(diagnostics).isIn(PlanWorkload.flags(last), PlanWorkload.flags(last + 1));
            }
            for (Generation h : history) {
                Plan p = store.read(h).orElseThrow();
                assertThat(p.verifyHash()).isTrue();
                assertThat(p.draft()).isEqualTo(PlanWorkload.draft(h.value()));
            }
            System.out.println("killed after step " + last + "; latest on reopen " + latest.generation());
            assertThat(store.publish(latest.generation(), PlanWorkload.draft(g + 1))).isInstanceOf(PublishOutcome.Published.class);
            assertThat(store.publish(latest.generation(), PlanWorkload.draft(g + 1))).isEqualTo(new PublishOutcome.Conflict(Generation.of(g + 1)));
        }
    }

    private static TreeSet<Generation> withPublish(long last) {
        TreeSet<Generation> h = PlanWorkload.historyAfter(last);
        h.add(Generation.of(last + 1));
        return h;
    }
}
