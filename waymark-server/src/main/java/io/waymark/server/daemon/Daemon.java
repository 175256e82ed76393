package io.waymark.server.daemon;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.waymark.adapters.health.HealthMonitor;
import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.role.EnactorRole;
import io.waymark.core.role.PlannerRole;
import io.waymark.core.role.Reopenable;
import io.waymark.core.role.RetireRole;
import io.waymark.core.role.StoreSupervisor;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.UpdatePolicy;
import io.waymark.server.config.RecordStoreConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.demo.DemoFleet;
import io.waymark.server.http.ApiServer;
import io.waymark.server.http.Operations;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: one Waymark process with every role. It only wires (ExternalDNS's
 * controller style, STYLE.md 5): zones and the DNS authority, the data-directory lock, the durable
 * stores behind supervised handles, health checks, and one thread per role driving the pure role steps
 * of core/role — supervisor, planner (with history clean-up), N enactors — then the HTTP API.
 * Reporting is {@link RoleReports}, status views {@link DaemonStatus}.
 *
 * <p>Start order matters: the data directory is locked before any store opens; the record store
 * replays its log into the DNS snapshot before the DNS server opens its port, so the first answer after
 * a restart is already what was acknowledged before. Stop order is the reverse.
 */
public final class Daemon implements Operations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final int HEALTH_CONCURRENCY_MAX = 256;
    private static final long SUPERVISOR_TICK_MS = 100;

    private final WaymarkConfig config;
    private final Optional<DemoFleet> fleet;
    private final List<AutoCloseable> closeOnExit = new ArrayList<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RoleReports reports = new RoleReports(metrics);
    private final DaemonStatus status = new DaemonStatus(Clock.systemUTC(), System.nanoTime());
    private final CheckRecorder checks = new CheckRecorder(metrics, Clock.systemUTC());

    private AuditLog audit;
    private PlanSignal planStore;
    private ServableRecords recordStore;
    private ServingGate gate;
    private DnsServer dns;
    private HealthMonitor health;
    private PlannerRole plannerRole;
    private RoleLoop plannerLoop;
    private Levers levers;
    private ApiServer api;

    private Daemon(WaymarkConfig config, Optional<DemoFleet> fleet) {
        this.config = config;
        this.fleet = fleet;
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
        Authority authority = RoleWiring.authority(config);
        Files.createDirectories(config.dataDir());
        // First, before any store opens its log: a second process on this directory is refused here.
        closeOnExit.add(DataDirLock.acquire(config.dataDir()));
        audit = AuditLog.open(config.dataDir(), Clock.systemUTC());
        closeOnExit.add(audit);

        SupervisedPlanStore plans = SupervisedPlanStore.open(config.dataDir());
        closeOnExit.add(plans);
        // Everyone in this process publishes through the signal, so the enactors wake on a new plan.
        planStore = new PlanSignal(plans);
        gate = new ServingGate(authority, config.dns().updateKey().isPresent());
        Reopenable records;
        if (config.recordStore() instanceof RecordStoreConfig.Rfc2136 rfc2136) {
            // Records live on a standard server: nothing for the embedded DNS server to answer, so it is not started.
            Rfc2136Records remote = Rfc2136Records.open(rfc2136.settings(), audit);
            closeOnExit.add(remote);
            recordStore = new ServableRecords(remote.store(), gate);
            records = remote;
            LOG.info("record store: {}", remote.store());
            FunctionCounter.builder("waymark_rfc2136_updates_total", remote.store(), Rfc2136RecordStore::updatesSent)
                    .description("UPDATE messages sent to the RFC 2136 server (the recovery benchmark reads their rate)").register(metrics);
            FunctionCounter.builder("waymark_rfc2136_updates_rejected_total", remote.store(), Rfc2136RecordStore::updatesRejected)
                    .description("UPDATEs the server rejected on a prerequisite (then re-read and split)").register(metrics);
        } else {
            SupervisedRecordStore embedded = SupervisedRecordStore.open(config.dataDir(), gate);
            closeOnExit.add(embedded);
            recordStore = new ServableRecords(embedded, gate);
            records = embedded;
            dns = RoleWiring.dnsServer(config, authority, metrics, config.dns().updateKey()
                    .map(key -> UpdatePolicy.signed(key, FencedUpdates.over(embedded, configuredEndpoints(), gate, audit))).orElse(UpdatePolicy.NONE));
            closeOnExit.add(dns);
            dns.start();
        }
        health = new HealthMonitor(Probes.checks(config, checks), HEALTH_CONCURRENCY_MAX, new SplittableRandom(new SecureRandom().nextLong()));
        health.start();
        closeOnExit.add(health);

        startSupervisor(List.of(new StoreSupervisor(plans, StoreSupervisor.Backoff.DEFAULTS, new SplittableRandom(new SecureRandom().nextLong())),
                new StoreSupervisor(records, StoreSupervisor.Backoff.DEFAULTS, new SplittableRandom(new SecureRandom().nextLong()))));
        startPlanner();
        for (int i = 1; i <= config.enactors().count(); i++) startEnactor("enactor-" + i);

        api = new ApiServer(this).start(config.http().listen(), config.http().port());
        closeOnExit.add(api);
        Gauge.builder("waymark_latest_generation", planStore, DaemonStatus::latestGeneration)
                .description("Newest plan generation in the plan store (NaN while it is unavailable)").register(metrics);
        FunctionCounter.builder("waymark_applies_refused_unservable_total", recordStore, ServableRecords::refused)
                .description("Applies refused before the record store wrote them, because DNS cannot serve their endpoint").register(metrics);
    }

    private void startSupervisor(List<StoreSupervisor> supervisors) {
        for (StoreSupervisor s : supervisors) {
            String name = s.status().store();
            Gauge.builder("waymark_store_up", status, x -> x.store(name).map(v -> v.state() == StoreSupervisor.State.UP ? 1.0 : 0.0).orElse(1.0))
                    .tag("store", name).description("1 while the store works, 0 while it is failed, recovering or damaged").register(metrics);
        }
        closeOnExit.add(RoleLoop.start("supervisor", SUPERVISOR_TICK_MS, null, now -> {
            for (StoreSupervisor s : supervisors) {
                StoreSupervisor.Step step = s.step(now);
                reports.supervisorStep(step);
                status.storeStepped(step.status());
            }
            return false;
        }));
    }

    private void startPlanner() {
        RoleWiring.Planning planning = RoleWiring.planning(config, planStore, recordStore, health, gate::unservable, reports, status, audit);
        plannerRole = planning.role();
        plannerLoop = RoleLoop.start("planner", config.planner().tickMs(), null, planning.step());
        closeOnExit.add(plannerLoop);
        levers = new Levers(planStore, audit, plannerLoop, plannerRole);
    }

    private void startEnactor(String id) {
        EnactorRole role = new EnactorRole(new Enactor(id, planStore, new AppliedChanges(id, recordStore, audit, metrics), new SplittableRandom(new SecureRandom().nextLong()), Roles.enactor(config)));
        // Its own thread, stepping at least every tickMs, at once when a plan is published here, and
        // again at once while it has more work (work per tick is bounded, so a large plan takes several).
        closeOnExit.add(RoleLoop.start(id, config.enactors().tickMs(), planStore, RoleWiring.enactorStep(id, role, reports, status)));
    }

    private java.util.Set<Endpoint> configuredEndpoints() {
        java.util.Set<Endpoint> out = new java.util.HashSet<>();
        config.endpoints().forEach(e -> out.add(Endpoint.of(e.name())));
        return out;
    }

    /** The embedded DNS server's port, or 0 when it is not started (records on an RFC 2136 server). */
    public int dnsPort() {
        return dns == null ? 0 : dns.port();
    }

    public int httpPort() {
        return api.port();
    }

    @Override
    public WaymarkConfig config() {
        return config;
    }

    /** The HTTP API's bearer token: where it is, and whether this start created it. */
    public io.waymark.server.http.ApiToken apiToken() {
        return api.token();
    }

    @Override
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return metrics;
    }

    @Override
    public void audit(String who, String action, String detail, Map<String, String> fields) {
        audit.record(who, action, detail, fields);
    }

    @Override
    public List<CheckResult> recentChecks(String targetId) {
        return checks.recent(targetId);
    }

    @Override
    public boolean probed(String targetId) {
        return checks.probed(targetId);
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
        return plannerRole.endpoints();
    }

    @Override
    public List<EnactorStatus> enactors() {
        return status.enactors();
    }

    @Override
    public String plannerLastResult() {
        return status.plannerLastResult();
    }

    @Override
    public RoleView planner() {
        return status.planner();
    }

    @Override
    public Map<String, RoleView> otherRoles() {
        return status.others();
    }

    @Override
    public List<StoreStatus> stores() {
        return status.stores();
    }

    @Override
    public Optional<GuardRefusal> guardRefusal() {
        return status.guardRefusal();
    }

    @Override
    public Map<Endpoint, String> unservable() {
        Map<Endpoint, String> all = new TreeMap<>(gate.skipped());
        all.putAll(plannerRole.unservable());
        return all;
    }

    @Override
    public List<TargetStatus> targets() {
        return RoleWiring.targets(config, health);
    }

    @Override
    public Plan rollback(Generation generation, String who) {
        return levers.rollback(generation, who);
    }

    @Override
    public ControlFlags updateFlags(String action, UnaryOperator<ControlFlags> change, String who) {
        return levers.updateFlags(action, change, who);
    }

    @Override
    public Plan publishForced(String reason, String who) {
        return levers.publishForced(reason, who);
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
        RoleWiring.closeAll(closeOnExit);
        fleet.ifPresent(DemoFleet::close);
    }
}
