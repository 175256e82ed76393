package io.waymark.sim.cascade;

import java.util.List;

/**
 * A step function of answers over virtual time. This is the seam for deriving the cascade's input
 * from another simulation: record each change of the endpoint's served state as a {@link Step}
 * (e.g. from the October 2025 replay's timeline) and hand the result to
 * {@link CascadeScenario#run(CascadeOptions, EndpointAnswers)}.
 */
public final class TimelineAnswers implements EndpointAnswers {
    /** From {@code fromMs} on (until the next step) the endpoint serves {@code answer}. */
    public record Step(long fromMs, Answer answer) {
        public Step {
            if (fromMs < 0) throw new IllegalArgumentException("fromMs must be >= 0");
        }
    }

    private final List<Step> steps;

    public TimelineAnswers(List<Step> steps) {
        if (steps.isEmpty() || steps.get(0).fromMs() != 0) {
            throw new IllegalArgumentException("a timeline starts with a step at 0 ms");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).fromMs() <= steps.get(i - 1).fromMs()) {
                throw new IllegalArgumentException("steps must be strictly increasing in time");
            }
        }
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    @Override
    public Answer answerAt(long timeMs) {
        Answer current = steps.get(0).answer();
        for (Step s : steps) { // a handful of steps: a linear scan is the simplest correct lookup
            if (s.fromMs() > timeMs) break;
            current = s.answer();
        }
        return current;
    }
}
