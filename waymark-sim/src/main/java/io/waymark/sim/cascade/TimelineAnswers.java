package io.waymark.sim.cascade;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

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

    /**
     * Builds a timeline from observations of the served answer, in time order, such as another
     * simulation records after every event: repeated answers are merged; before the first observation
     * the first observed answer is assumed. {@code toCascadeMs} maps the observer's clock onto the
     * cascade's virtual time (e.g. line up the moment the endpoint went empty with
     * {@link CascadeParameters#emptyAtMs()}); it must not reorder observations.
     */
    public static TimelineAnswers fromObservations(List<Step> observations, LongUnaryOperator toCascadeMs) {
        if (observations.isEmpty()) throw new IllegalArgumentException("no observations");
        List<Step> steps = new ArrayList<>();
        long previousMs = Long.MIN_VALUE;
        for (Step o : observations) {
            long mapped = toCascadeMs.applyAsLong(o.fromMs());
            if (mapped < previousMs) throw new IllegalArgumentException("observations out of order at " + o.fromMs());
            previousMs = mapped;
            long t = Math.max(0, mapped); // whatever happened before the cascade's start counts as its start
            if (steps.isEmpty()) {
                steps.add(new Step(0, o.answer()));
            } else if (!steps.get(steps.size() - 1).answer().equals(o.answer())) {
                if (steps.get(steps.size() - 1).fromMs() == t) steps.set(steps.size() - 1, new Step(t, o.answer()));
                else steps.add(new Step(t, o.answer()));
            }
        }
        return new TimelineAnswers(steps);
    }

    /**
     * This timeline with an operator's manual repair at {@code repairedAtMs}: from then on the endpoint
     * serves {@code restored}. The October 2025 replay ends with no enactor able to make progress, so the
     * repair is the one thing the replay itself cannot produce.
     */
    public TimelineAnswers repairedByHand(long repairedAtMs, Answer restored) {
        if (restored.empty()) throw new IllegalArgumentException("a repair restores addresses");
        List<Step> kept = new ArrayList<>();
        for (Step s : steps) if (s.fromMs() < repairedAtMs) kept.add(s);
        kept.add(new Step(repairedAtMs, restored));
        return new TimelineAnswers(kept);
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
