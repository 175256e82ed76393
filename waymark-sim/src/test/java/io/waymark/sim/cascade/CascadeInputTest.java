package io.waymark.sim.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.sim.scenario.Algorithm;
import io.waymark.sim.scenario.Oct2025;
import org.junit.jupiter.api.Test;

/** The cascade's DNS input comes from running the October 2025 replay on each algorithm's real code. */
class CascadeInputTest {
    private final CascadeParameters p = CascadeParameters.defaults();

    @Test
    void the_legacy_replay_empties_the_endpoint_until_the_hand_repair() {
        EndpointAnswers answers = CascadeScenario.answersFrom(Oct2025.run(Algorithm.LEGACY, 7), p);
        assertThat(answers.answerAt(p.emptyAtMs() - 1).empty()).isFalse();
        assertThat(answers.answerAt(p.emptyAtMs()).empty()).isTrue();
        assertThat(answers.answerAt(p.repairedAtMs() - 1).empty()).isTrue();
        assertThat(answers.answerAt(p.repairedAtMs()).empty()).isFalse();
    }

    @Test
    void the_waymark_replay_never_empties_the_endpoint() {
        EndpointAnswers answers = CascadeScenario.answersFrom(Oct2025.run(Algorithm.WAYMARK, 7), p);
        for (long t = 0; t < p.runMs(); t += p.sampleIntervalMs()) {
            assertThat(answers.answerAt(t).empty()).as("answer at %d ms", t).isFalse();
        }
    }
}
