/**
 * The daemon's roles as pure steps: {@link io.waymark.core.role.PlannerRole},
 * {@link io.waymark.core.role.EnactorRole}, {@link io.waymark.core.role.CleanerRole} and
 * {@link io.waymark.core.role.StoreSupervisor}. Each is a class with one {@code step(nowNanos)} that
 * does one bounded round of work over injected stores, health and randomness and returns what it did
 * (STYLE.md 4: ExternalDNS's {@code RunOnce}, raft's {@code Tick}). Nothing here starts a thread,
 * sleeps, reads a clock or does I/O of its own: the daemon drives the steps from threads on
 * {@code System.nanoTime()}, the simulator drives the very same classes on its virtual clock.
 *
 * <p>Time is a monotonic reading in nanoseconds, only ever compared with earlier readings of the
 * same source. Every step is driven by one caller at a time (roles are not thread-safe).
 *
 * <p>Each role tracks its {@link io.waymark.core.role.RoleCondition} and reports a
 * {@link io.waymark.core.role.Transition} only when it changes, so that callers log and count a
 * failure or a refusal once — when it starts and when it ends — and not once per tick (issue 7,
 * defect 15).
 */
package io.waymark.core.role;
