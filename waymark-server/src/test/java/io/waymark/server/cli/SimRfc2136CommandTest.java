package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code waymark sim rfc2136}: runs the simulated-server schedules and says how many broke an invariant. */
class SimRfc2136CommandTest {
    @Test
    void runsTheSeedsAndReportsNoViolation() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("sim", "rfc2136", "--seeds", "3", "--start-seed", "7", "--steps", "300");
        assertThat(code).as("err: %s", err).isZero();
        assertThat(out.toString()).contains("3 schedules, 0 violating").contains("UPDATEs applied");
        assertThat(Main.commandLine().setErr(new PrintWriter(err, true)).execute("sim", "rfc2136", "--enactors", "99")).isEqualTo(2);
    }
}
