/**
 * The October 2025 cascade: how an endpoint that answered empty for under three hours turned into
 * about fourteen and a half hours of impact, and why Waymark's enactor never starts it.
 *
 * <p><b>Input.</b> {@link io.waymark.sim.cascade.EndpointAnswers}: what the endpoint resolves to at a
 * virtual time. Built in: {@code EndpointAnswers.legacy(emptyAt, repairedAt)} (empty from the stale
 * write until the manual repair) and {@code EndpointAnswers.waymark(staleWriteAt)} (never empty);
 * {@link io.waymark.sim.cascade.TimelineAnswers} takes any step function, e.g. the DNS state recorded
 * by the October 2025 replay.
 *
 * <p><b>Model</b> (one class per idea, every queue bounded, one seed):
 * <ul>
 * <li>{@code ClientFleet} — clients behind {@code CachingResolver}s (positive TTL, negative caching of
 *     empty answers for the SOA minimum, so recovery lags the repair);</li>
 * <li>{@code LeaseManager} — DropletWorkflow-Manager-style leases renewed through the service; lost
 *     leases are re-established as work in a {@code WorkerPool} whose attempt latency grows with the
 *     outstanding work; {@code NaiveRecovery} (all at once, fixed re-submission, blind re-queue after a
 *     timeout) collapses, {@code ThrottledRecovery} (admission by queue depth, {@code Backoff} with
 *     jitter, a shared {@code RetryBudget}, no re-queue) recovers;</li>
 * <li>{@code NetworkPropagation} — returning hosts wait for their network state; the backlog makes
 *     health checks flap;</li>
 * <li>{@code LoadBalancerFleet} — NLB-style nodes, all healthy, taken out by automatic fail-over on
 *     flapping checks unless {@code VelocityControl} limits removals per window and keeps a floor.</li>
 * </ul>
 *
 * <p><b>Time scale.</b> One virtual minute = one incident hour; virtual 0 = 23:00 PDT. Request-level
 * latencies (lease attempts, their timeout) are not scaled.
 *
 * <p><b>API.</b> {@code CascadeScenario.run(CascadeOptions)} → {@code CascadeResult} (series, moments,
 * summary, {@code text()}); {@code CascadeReport.write(dir, result)} → {@code report.html} plus one
 * {@code .svg} per series.
 */
package io.waymark.sim.cascade;
