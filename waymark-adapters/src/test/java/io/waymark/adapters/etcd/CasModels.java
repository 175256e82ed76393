package io.waymark.adapters.etcd;

import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PublishOutcome;
import java.util.Optional;

/**
 * Sequential models of the stores' compare-and-set registers for {@link Linearizability}: one
 * endpoint of a record store, the plan store's latest pointer, the control flags.
 */
final class CasModels {
    private CasModels() {}

    // ---- one endpoint of a record store ----

    /** Stored stamp and the high-water stamp kept by a retirement (null: never retired since the last apply). */
    record Endpoint(Stamp current, Stamp retired) {}

    record Read() {}

    record Apply(Stamp expected, Stamp next) {}

    record Retire(Stamp expected) {}

    /** RecordStore.read returns the stamp; applyIfNewer an ApplyOutcome; retire a Boolean. */
    static final Linearizability.Model<Endpoint> RECORD = new Linearizability.Model<>() {
        @Override
        public Endpoint initial() {
            return new Endpoint(Stamp.NONE, null);
        }

        @Override
        public Optional<Endpoint> step(Endpoint s, Linearizability.Operation op) {
            return switch (op.input()) {
                case Read r -> op.output() == null || op.output().equals(s.current()) ? Optional.of(s) : Optional.empty();
                case Apply a -> {
                    ApplyOutcome o = EmbeddedRecordStore.decide(s.current(), s.retired(), a.expected(), a.next());
                    if (op.output() != null && op.output() != o) yield Optional.empty();
                    yield Optional.of(o == ApplyOutcome.APPLIED ? new Endpoint(a.next(), null) : s);
                }
                case Retire r -> {
                    boolean ok = s.current().equals(r.expected());
                    if (op.output() != null && !op.output().equals(ok)) yield Optional.empty();
                    yield Optional.of(ok && !s.current().isNone() ? new Endpoint(Stamp.NONE, s.current()) : s);
                }
                default -> throw new IllegalArgumentException("not a record store operation: " + op.input());
            };
        }
    };

    // ---- the plan store's latest pointer ----

    /** Latest generation and the highest ever handed out. */
    record Plans(long latest, long floor) {}

    record Publish(Generation expected) {}

    record Latest() {}

    /** publish returns a PublishOutcome (Published carries the generation); latest a Generation. */
    static final Linearizability.Model<Plans> PLANS = new Linearizability.Model<>() {
        @Override
        public Plans initial() {
            return new Plans(0, 0);
        }

        @Override
        public Optional<Plans> step(Plans s, Linearizability.Operation op) {
            return switch (op.input()) {
                case Latest l -> op.output() == null || op.output().equals(Generation.of(s.latest())) ? Optional.of(s) : Optional.empty();
                case Publish p -> switch (op.output()) {
                    case null -> Optional.of(s); // unresolved: it did not take effect (else it was found and resolved)
                    case PublishOutcome.Published won -> {
                        long g = won.plan().generation().value();
                        yield s.latest() == p.expected().value() && g > s.floor() ? Optional.of(new Plans(g, g)) : Optional.empty();
                    }
                    case PublishOutcome.Conflict lost -> s.latest() != p.expected().value() && lost.actualLatest().value() == s.latest()
                            ? Optional.of(s) : Optional.empty();
                    default -> throw new IllegalArgumentException("not a publish outcome: " + op.output());
                };
                default -> throw new IllegalArgumentException("not a plan store operation: " + op.input());
            };
        }
    };

    // ---- the control flags ----

    record Flags() {}

    record UpdateFlags(ControlFlags expected, ControlFlags next) {}

    static final Linearizability.Model<ControlFlags> FLAGS = new Linearizability.Model<>() {
        @Override
        public ControlFlags initial() {
            return ControlFlags.NONE;
        }

        @Override
        public Optional<ControlFlags> step(ControlFlags s, Linearizability.Operation op) {
            return switch (op.input()) {
                case Flags f -> op.output() == null || op.output().equals(s) ? Optional.of(s) : Optional.empty();
                case UpdateFlags u -> {
                    boolean ok = s.equals(u.expected());
                    if (op.output() != null && !op.output().equals(ok)) yield Optional.empty();
                    yield Optional.of(ok ? u.next() : s);
                }
                default -> throw new IllegalArgumentException("not a flags operation: " + op.input());
            };
        }
    };
}
