package io.waymark.adapters.etcd;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A linearizability checker for one object (one key): Wing and Gong's search with Lowe's memo of
 * (linearized set, state) pairs, as Knossos and Porcupine do it. A history is linearizable when its
 * operations can be put in one order that (a) respects real time — an operation that completed before
 * another was invoked comes first — and (b) is legal for the sequential model.
 *
 * <p>Operations whose outcome is unknown (the client gave up: a timeout, a lost connection) never
 * complete: they may take effect at any point after their invocation, or not at all, and their result
 * is not checked — exactly what an unanswered request to a replicated store may do.
 *
 * <p>Linearizability is local (Herlihy and Wing): a history of many keys is linearizable iff each
 * key's sub-history is, so callers check keys one by one, which keeps the search small.
 *
 * @param <S> the model's state (an immutable value with equals/hashCode)
 */
public final class Linearizability<S> {
    /** Search nodes explored before the checker gives up and says so (never "linearizable" by default). */
    public static final long EXPLORED_MAX = 5_000_000;

    /** The sequential specification. */
    public interface Model<S> {
        S initial();

        /**
         * The state after {@code op} from {@code s}, if {@code op}'s recorded output is legal there; for
         * an operation of unknown outcome ({@code op.output() == null}) the state it would lead to.
         */
        Optional<S> step(S s, Operation op);
    }

    /**
     * One operation: who, when (nanoTime at invocation and at completion, {@link #NEVER} if no answer
     * came), what went in, what came out (null: unknown, not checked). An operation with an output and
     * no completion must take effect, at any time after its invocation.
     */
    public record Operation(int process, long invokedNanos, long completedNanos, Object input, Object output) {
        public static final long NEVER = Long.MAX_VALUE;

        public Operation {
            if (completedNanos < invokedNanos) throw new IllegalArgumentException("an operation completes after it is invoked");
            // An outcome learnt afterwards (a publish found in the store later) is known yet never completed.
            if (output == null && completedNanos != NEVER) throw new IllegalArgumentException("an operation of unknown outcome never completes");
        }

        public boolean known() {
            return output != null;
        }
    }

    /** The verdict, with the explored count and, when not linearizable, the longest legal prefix found. */
    public record Result(boolean linearizable, long explored, List<Operation> longestPrefix) {}

    private final Model<S> model;

    public Linearizability(Model<S> model) {
        this.model = Objects.requireNonNull(model);
    }

    public Result check(List<Operation> history) {
        List<Operation> ops = new ArrayList<>(history);
        ops.sort(Comparator.comparingLong(Operation::invokedNanos));
        int n = ops.size();
        int required = 0;
        for (Operation o : ops) if (o.known()) required++;
        // Depth-first over "which operation takes effect next", with an explicit stack (no recursion
        // limit); each frame remembers the next candidate to try.
        BitSet done = new BitSet(n);
        List<S> states = new ArrayList<>();
        List<Integer> chosen = new ArrayList<>();
        List<Integer> nextTry = new ArrayList<>();
        states.add(model.initial());
        nextTry.add(0);
        Set<Memo<S>> seen = new HashSet<>();
        long explored = 0;
        int doneKnown = 0;
        List<Operation> longest = List.of();
        while (!nextTry.isEmpty()) {
            if (doneKnown == required) return new Result(true, explored, List.of());
            if (++explored > EXPLORED_MAX) throw new IllegalStateException("linearizability search gave up after " + EXPLORED_MAX + " nodes on " + n + " operations");
            int depth = nextTry.size() - 1;
            S state = states.get(depth);
            // Candidates: not yet linearized and invoked before every pending known operation completed.
            long horizon = Long.MAX_VALUE;
            for (int i = done.nextClearBit(0); i < n; i = done.nextClearBit(i + 1)) {
                if (ops.get(i).completedNanos() != Operation.NEVER) horizon = Math.min(horizon, ops.get(i).completedNanos());
            }
            int advanced = -1;
            S after = null;
            for (int i = done.nextClearBit(nextTry.get(depth)); i < n; i = done.nextClearBit(i + 1)) {
                Operation o = ops.get(i);
                if (o.invokedNanos() > horizon) break; // sorted by invocation: the rest are later still
                Optional<S> next = model.step(state, o);
                if (next.isEmpty()) continue;
                BitSet key = (BitSet) done.clone();
                key.set(i);
                if (!seen.add(new Memo<>(key, next.get()))) continue;
                advanced = i;
                after = next.get();
                break;
            }
            if (advanced >= 0) {
                nextTry.set(depth, advanced + 1);
                done.set(advanced);
                if (ops.get(advanced).known()) doneKnown++;
                chosen.add(advanced);
                states.add(after);
                nextTry.add(0);
                if (chosen.size() > longest.size()) longest = chosen.stream().map(ops::get).toList();
            } else {
                // Dead end: undo the last choice and try its next sibling.
                nextTry.remove(depth);
                states.remove(depth);
                if (chosen.isEmpty()) break;
                int undo = chosen.remove(chosen.size() - 1);
                done.clear(undo);
                if (ops.get(undo).known()) doneKnown--;
            }
        }
        return new Result(false, explored, longest);
    }

    private record Memo<S>(BitSet done, S state) {}
}
