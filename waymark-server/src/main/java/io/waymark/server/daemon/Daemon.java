package io.waymark.server.daemon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.waymark.adapters.health.CheckPolicy;
import io.waymark.adapters.health.HealthCheck;
import io.waymark.adapters.health.HealthMonitor;
import io.waymark.adapters.health.HttpProbe;
import io.waymark.adapters.health.Probe;
import io.waymark.adapters.health.TcpProbe;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.history.CleanupResult;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.operator.Rollback;
import io.waymark.core.operator.RollbackResult;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.PlannerStatus;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Zone;
import io.waymark.server.config.ServedZones;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.config.WaymarkConfig.TargetSettings;
import io.waymark.server.demo.DemoFleet;
import io.waymark.server.http.ApiServer;
import io.waymark.server.http.Operations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Waymark process with every role: durable plan and record stores in the data directory, the
 * authoritative DNS server serving the record store's snapshots, health checks, one planner, N
 * independent enactors (each on its own thread, sharing nothing but the stores, exactly as if they
 * ran in separate processes), history clean-up, and the HTTP API.
 *
 * <p>Start order matters: the record store replays its log into the DNS snapshot before the DNS
 * server opens its port, so the first answer after a restart is already what was acknowledged before.
 */
public final class Daemon implements Operations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** Clean-up runs once per this many planner ticks: history grows slowly, and a scan reads every stamp. */
    private static final int CLEANUP_EVERY_TICKS = 20;
    private static final int CLEANUP_DELETES_PER_RUN_MAX = 1_000;
    private static final int HEALTH_CONCURRENCY_MAX = 256;

    private final WaymarkConfig config;
    private final Optional<DemoFleet> fleet;
    private final List<AutoCloseable> closeOnExit = new ArrayList<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Topology topology;
    private final List<Endpoint> endpoints;

    private PlanSignal planStore;
    private ServableRecords recordStore;
    private DnsServer dns;
    private HealthMonitor health;
    private ApiServer api;
    private final List<EnactorLoop> enactors = new ArrayList<>();
    private final AtomicReference<String> plannerLast = new AtomicReference<>("not run yet");

    private Daemon(WaymarkConfig config, Optional<DemoFleet> fleet) {
        this.config = config;
        this.fleet = fleet;
        this.topology = Roles.topology(config);
        this.endpoints = List.copyOf(topology.endpoints().keySet());
    }

    /** Starts every role; on any failure closes what was started and rethrows (nothing half-running). */
    public static Daemon start(WaymarkConfig config, Optional<DemoFleet> fleet) throws IOException {
        Daemon d = new Daemon(config, fleet);
        try {
            d.startRoles();
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void startRoles() throws IOException {
        List<Zone> zones = ServedZones.load(config.zones());
        // Again here: a configuration built in code (DemoConfig, tests) has not been through ConfigLoader.
        ServedZones.checkServable(config.endpoints(), zones);
        Authority authority = Authority.of(zones, ServingOptions.defaults().withAnswerAddressesMax(config.dns().answerAddressesMax()));
        Files.createDirectories(config.dataDir());
        // First, before any store opens its log: a second process on this directory is refused here.
        closeOnExit.add(DataDirLock.acquire(config.dataDir()));
        FilePlanStore planFile = FilePlanStore.open(config.dataDir());
        closeOnExit.add(planFile);
        // Everyone in this process publishes through the signal, so the enactors wake on a new plan.
        planStore = new PlanSignal(planFile);
        ServingGate gate = new ServingGate(authority);
        EmbeddedRecordStore records = EmbeddedRecordStore.open(config.dataDir(), gate);
        closeOnExit.add(records);
        recordStore = new ServableRecords(records, gate);

        dns = new DnsServer(authority, new DnsServerConfig(InetAddress.getByName(config.dns().listen()), config.dns().port(),
                config.dns().tcpConnectionsMax(), config.dns().tcpIdleTimeoutMs()));
        dns.start();
        closeOnExit.add(dns);

        health = new HealthMonitor(checks(config), HEALTH_CONCURRENCY_MAX, new SplittableRandom(new SecureRandom().nextLong()));
        health.start();
        closeOnExit.add(health);

        startPlanner();
        for (int i = 1; i <= config.enactors().count(); i++) startEnactor("enactor-" + i);

        api = new ApiServer(this).start(config.http().listen(), config.http().port());
        closeOnExit.add(api);

        Gauge.builder("waymark_latest_generation", planStore, s -> s.latest().map(p -> p.generation().value()).orElse(0L))
                .description("Newest plan generation in the plan store").register(metrics);
    }

    private static List<HealthCheck> checks(WaymarkConfig config) {
        HttpClient client = HttpProbe.newClient(Duration.ofSeconds(2));
        List<HealthCheck> checks = new ArrayList<>();
        for (TargetSettings t : config.targets()) {
            WaymarkConfig.CheckSettings c = t.check();
            Probe probe = switch (c.kind()) {
                case TCP -> new TcpProbe(new InetSocketAddress(Roles.target(t).address(), c.port()));
                case HTTP -> new HttpProbe(client, URI.create("http://" + hostPart(t.address()) + ":" + c.port() + c.path()));
            };
            checks.add(new HealthCheck(t.id(), probe, new CheckPolicy(Duration.ofMillis(c.intervalMs()), Duration.ofMillis(c.timeoutMs()), c.rise(), c.fall())));
        }
        return checks;
    }

    private static String hostPart(String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    private ScheduledExecutorService thread(String name) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        closeOnExit.add(() -> {
            // shutdown, not shutdownNow: an interrupt landing in FileChannel.force (the planner's
            // publish or clean-up) closes the plan store's channel with ClosedByInterruptException and
            // poisons the store mid-write. Periodic ticks are cancelled; a running one finishes.
            s.shutdown();
            if (!s.awaitTermination(30, TimeUnit.SECONDS)) s.shutdownNow();
        });
        return s;
    }

    private void startPlanner() {
        Planner planner = new Planner(planStore, System::currentTimeMillis, Roles.safety(config));
        HistoryCleaner cleaner = new HistoryCleaner(planStore, recordStore, config.planner().historyRetention(), CLEANUP_DELETES_PER_RUN_MAX);
        Counter published = Counter.builder("waymark_planner_publications_total").register(metrics);
        long[] ticks = {0};
        thread("planner").scheduleWithFixedDelay(() -> {
            try {
                PlannerResult r = planner.tick(topology, new HealthObservations(health.view()));
                r.safetyEvents().forEach(e -> metrics.counter("waymark_planner_safety_events_total", "rule", e.rule().name()).increment());
                if (r.status() == PlannerStatus.PUBLISHED) {
                    published.increment();
                    LOG.info("planner published {} ({} safety events)", r.published().orElseThrow(), r.safetyEvents().size());
                    r.safetyEvents().forEach(e -> LOG.info("  safety rule {} on {}: {}", e.rule(), e.endpoint(), e.detail()));
                } else if (r.status() == PlannerStatus.STORE_UNAVAILABLE) {
                    LOG.warn("planner: plan store unavailable: {}", r.error().orElse(""));
                }
                plannerLast.set(Instant.now() + " " + r.status() + (r.published().map(p -> " " + p.generation()).orElse(""))
                        + (r.safetyEvents().isEmpty() ? "" : " safety=" + r.safetyEvents().stream().map(e -> e.rule().name()).distinct().toList()));
                if (++ticks[0] % CLEANUP_EVERY_TICKS == 0) {
                    CleanupResult c = cleaner.clean();
                    if (!c.deleted().isEmpty()) LOG.info("history clean-up deleted {} (oldest served {})", c.deleted(), c.oldestServed());
                }
            } catch (RuntimeException e) {
                // A bug must not silently stop planning forever: log it and try again next tick.
                LOG.error("planner tick failed", e);
            }
        }, 0, config.planner().tickMs(), TimeUnit.MILLISECONDS);
    }

    private void startEnactor(String id) {
        Enactor enactor = new Enactor(id, planStore, recordStore, new SplittableRandom(new SecureRandom().nextLong()), Roles.enactor(config));
        EnactorLoop loop = new EnactorLoop(id);
        enactors.add(loop);
        long tickMs = config.enactors().tickMs();
        AtomicBoolean running = new AtomicBoolean(true);
        // Its own thread, ticking at least every tickMs and at once when a plan is published here. A
        // tick that met writes is followed at once by another (work per tick is bounded, so a large
        // plan takes several); a tick that found its share applied waits for a signal or the interval.
        Thread thread = Thread.ofPlatform().daemon().name(id).start(() -> {
            while (running.get()) {
                long seen = planStore.version();
                TickResult r = tickOnce(enactor, loop, id);
                // Writes seen (its own or, superseded, another enactor's): the plan is being applied now.
                boolean more = r != null && r.status() == TickStatus.WORKED && r.applied() + r.superseded() > 0;
                try {
                    planStore.awaitChangeAfter(seen, more ? 0 : tickMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        closeOnExit.add(() -> {
            // No interrupt: interrupting a thread inside FileChannel.force closes the record store's log.
            running.set(false);
            planStore.signal();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        });
    }

    private TickResult tickOnce(Enactor enactor, EnactorLoop loop, String id) {
        try {
            TickResult r = enactor.tick();
            loop.record(r);
            metrics.counter("waymark_enactor_ticks_total", "enactor", id, "status", r.status().name()).increment();
            metrics.counter("waymark_enactor_applied_total", "enactor", id).increment(r.applied());
            metrics.counter("waymark_enactor_conflicts_total", "enactor", id).increment(r.conflicts());
            r.refusal().ifPresent(f -> metrics.counter("waymark_enactor_refusals_total", "enactor", id, "reason", f.reason().name()).increment());
            if (r.applied() > 0) LOG.info("{}", r);
            else if (r.status() == TickStatus.REFUSED || r.errors() > 0) LOG.warn("{}", r);
            return r;
        } catch (RuntimeException e) {
            // A bug must not silently stop enacting forever: log it and try again next interval.
            LOG.error("{} tick failed", id, e);
            return null;
        }
    }

    /** Last tick of one enactor, for the status view. */
    private static final class EnactorLoop {
        final String id;
        final AtomicReference<Operations.EnactorStatus> last;

        EnactorLoop(String id) {
            this.id = id;
            this.last = new AtomicReference<>(new Operations.EnactorStatus(id, "never", "not run yet"));
        }

        void record(TickResult r) {
            last.set(new Operations.EnactorStatus(id, Instant.now().toString(), r.toString()));
        }
    }

    public int dnsPort() {
        return dns.port();
    }

    public int httpPort() {
        return api.port();
    }

    public WaymarkConfig config() {
        return config;
    }

    @Override
    public PlanStore planStore() {
        return planStore;
    }

    @Override
    public RecordStore recordStore() {
        return recordStore;
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public List<EnactorStatus> enactors() {
        return enactors.stream().map(e -> e.last.get()).toList();
    }

    @Override
    public String plannerLastResult() {
        return plannerLast.get();
    }

    @Override
    public List<TargetStatus> targets() {
        var view = health.view();
        return config.targets().stream()
                .map(t -> new TargetStatus(t.id(), t.address(), t.zone(), t.capacity(), view.get(t.id()) == io.waymark.core.model.Health.UP))
                .toList();
    }

    @Override
    public Plan rollback(Generation generation) {
        RollbackResult r = new Rollback(planStore).to(generation, true);
        return r.published().orElseThrow(() -> new IllegalArgumentException("rollback to " + generation + " refused: " + r.status() + ": " + r.detail()));
    }

    @Override
    public void setTargetFailing(String id, boolean failing) {
        DemoFleet f = fleet.orElseThrow(() -> new IllegalArgumentException("target fail/recover drives the demo fleet of './waymark run' only"));
        var t = f.target(id).orElseThrow(() -> new IllegalArgumentException("no demo target '" + id + "'; targets: "
                + f.targets().stream().map(x -> x.id()).toList()));
        if (failing) t.fail();
        else t.recover();
    }

    @Override
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    /** Stops every role in reverse start order; safe to call twice and on a half-started daemon. */
    @Override
    public synchronized void close() {
        for (int i = closeOnExit.size() - 1; i >= 0; i--) {
            try {
                closeOnExit.get(i).close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
        closeOnExit.clear();
        fleet.ifPresent(DemoFleet::close);
    }
}
