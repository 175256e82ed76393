package io.waymark.server.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.waymark.adapters.etcd.Etcd;
import io.waymark.adapters.etcd.EtcdLease;
import io.waymark.adapters.etcd.EtcdLeadership;
import io.waymark.adapters.etcd.EtcdPlanStore;
import io.waymark.adapters.etcd.EtcdPlanWatch;
import io.waymark.adapters.etcd.EtcdPresence;
import io.waymark.adapters.etcd.EtcdRecordFeed;
import io.waymark.adapters.etcd.EtcdRecordStore;
import io.waymark.adapters.health.HealthMonitor;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.role.EnactorRole;
import io.waymark.core.role.PlannerRole;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.UpdatePolicy;
import io.waymark.server.config.PlanStoreConfig;
import io.waymark.server.config.RecordStoreConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.http.ApiServer;
import io.waymark.server.http.Operations;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one process in distributed mode (plans, flags and records in etcd): any of
 * the planner, enactor and DNS roles ({@code ./waymark serve --role ...}), each on its own thread as in
 * {@link Daemon}, plus the HTTP API. It only wires:
 * <ul>
 *   <li><b>planner</b>: health checks and the planner, stepping only while this process leads the
 *       planners ({@link EtcdLeadership}: one lease-bound key), and publishing through a plan store
 *       fenced by that key, so a planner that lost its lease cannot publish;</li>
 *   <li><b>enactor</b>: the enactors on the etcd stores, woken at once by a watch on the latest plan
 *       (and ticking on their interval regardless);</li>
 *   <li><b>dns</b>: the DNS server, fed by {@link EtcdRecordFeed} (a full read, then a watch), which
 *       keeps answering the last records when etcd is unreachable;</li>
 *   <li>every process: a presence key per role on its own lease, which {@code ./waymark status}
 *       lists — every enactor with its zone, last tick, last result and lag, every planner and DNS
 *       process.</li>
 * </ul>
 */
public final class EtcdDaemon implements Operations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdDaemon.class);
    private static final int HEALTH_CONCURRENCY_MAX = 256;
    private static final long LEASE_TTL_SECONDS = 5;
    private static final long PRESENCE_TICK_MS = 1_000;
    private static final long PRESENCE_WRITE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long FEED_TICK_MS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The roles one process can run. */
    public enum Role { PLANNER, ENACTOR, DNS }

    private final WaymarkConfig config;
    private final Set<Role> roles;
    private final String name;
    private final Optional<String> availabilityZone;
    private final List<AutoCloseable> closeOnExit = new ArrayList<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CheckRecorder checks = new CheckRecorder(metrics, Clock.systemUTC());
    private final RoleReports reports = new RoleReports(metrics);
    private final DaemonStatus status = new DaemonStatus(Clock.systemUTC(), System.nanoTime());

    private Etcd etcd;
    private AuditLog audit;
    private PlanSignal planStore;
    private ServableRecords recordStore;
    private ServingGate gate;
    private DnsServer dns;
    private EtcdRecordFeed feed;
    private EtcdPlanWatch planWatch;
    private HealthMonitor health;
    private PlannerRole plannerRole;
    private RoleLoop plannerLoop;
    private EtcdLeadership leadership;
    private volatile boolean leading;
    private Levers levers;
    private ApiServer api;

    private EtcdDaemon(WaymarkConfig config, Set<Role> roles, String name, Optional<String> availabilityZone) {
        this.config = config;
        this.roles = Set.copyOf(roles);
        this.name = name;
        this.availabilityZone = availabilityZone;
    }

    /** Starts the given roles; on any failure closes what was started and rethrows (nothing half-running). */
    public static EtcdDaemon start(WaymarkConfig config, Set<Role> roles, String name, Optional<String> availabilityZone) throws IOException {
        if (!(config.planStore() instanceof PlanStoreConfig.Etcd)) throw new IllegalArgumentException("distributed roles need planStore type etcd");
        if (roles.isEmpty()) throw new IllegalArgumentException("at least one role (planner, enactor, dns)");
        if (name == null || !name.matches("[A-Za-z0-9._:-]{1,64}")) throw new IllegalArgumentException("process name must be 1-64 letters, digits, '.', '_', ':' or '-', got " + name);
        EtcdDaemon d = new EtcdDaemon(config, EnumSet.copyOf(roles), name, availabilityZone);
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
        audit = AuditLog.open(config.dataDir(), Clock.systemUTC());
        closeOnExit.add(audit);
        etcd = Etcd.connect(((PlanStoreConfig.Etcd) config.planStore()).settings());
        closeOnExit.add(etcd);
        gate = new ServingGate(authority);
        // Every role reads stamps (enactors each tick, the planner for its change guard): from a watched
        // copy, so that the steady load on etcd does not grow with the number of endpoints. The DNS role
        // serves the same copy.
        feed = new EtcdRecordFeed(etcd, roles.contains(Role.DNS) ? gate : ServingSink.NONE);
        closeOnExit.add(feed);
        feed.step(System.nanoTime()); // loaded before the DNS port opens (when etcd answers): the first answers are the stored records
        closeOnExit.add(RoleLoop.start("record-feed", FEED_TICK_MS, null, now -> {
            feed.step(now);
            return false;
        }));
        recordStore = new ServableRecords(recordStore(config.recordStore()), gate);

        EtcdPlanStore plans = new EtcdPlanStore(etcd);
        if (roles.contains(Role.PLANNER)) {
            leadership = new EtcdLeadership(etcd, new EtcdLease(etcd, LEASE_TTL_SECONDS), "planner", name);
            plans = plans.fencedBy(leadership.fence());
            // After the planner loop has stopped (reverse order): a standby takes over at once, not after the TTL.
            closeOnExit.add(leadership::resign);
        }
        planStore = new PlanSignal(plans);
        // A plan published by any process wakes this process's enactors at once; polling stays the net.
        planWatch = new EtcdPlanWatch(etcd, plans, planStore::signal);
        closeOnExit.add(planWatch);

        if (roles.contains(Role.DNS)) startDns(authority);
        if (roles.contains(Role.PLANNER)) startPlanner();
        if (roles.contains(Role.ENACTOR)) {
            int n = config.enactors().count();
            for (int i = 1; i <= n; i++) startEnactor(n == 1 ? name : name + "-" + i);
        }
        startPresence();
        api = new ApiServer(this).start(config.http().listen(), config.http().port());
        closeOnExit.add(api);
        io.micrometer.core.instrument.FunctionCounter.builder("waymark_etcd_requests_total", etcd, Etcd::requests)
                .description("gRPC calls this process started on etcd (a watch or keep-alive stream counts once)").register(metrics);
        Gauge.builder("waymark_latest_generation", planStore, DaemonStatus::latestGeneration)
                .description("Newest plan generation in the plan store (NaN while it is unavailable)").register(metrics);
        LOG.info("waymark {}: roles {} on etcd {} (prefix {})", name, roles, etcd.settings().endpoints(), etcd.settings().prefix());
    }

    /** The record store of distributed mode, by configured type (one case per type). */
    private RecordStore recordStore(RecordStoreConfig c) {
        return switch (c) {
            case RecordStoreConfig.Etcd e -> new EtcdRecordStore(etcd).readingFrom(feed);
            case RecordStoreConfig.Rfc2136 r -> {
                // Plans in etcd, records on a standard DNS server: enactors write there with TSIG-signed UPDATE.
                Rfc2136Records remote = Rfc2136Records.open(r.settings(), audit);
                closeOnExit.add(remote);
                yield remote.store();
            }
            case RecordStoreConfig.Embedded e -> throw new IllegalArgumentException(
                    "planStore type etcd runs roles in separate processes: set recordStore type etcd (an embedded record store is one process's disk)");
        };
    }

    private void startDns(Authority authority) throws IOException {
        dns = RoleWiring.dnsServer(config, authority, metrics, UpdatePolicy.NONE); // ConfigLoader refuses dns.update with etcd
        closeOnExit.add(dns);
        dns.start();
        Gauge.builder("waymark_etcd_reachable", feed, f -> f.status().reachable() ? 1.0 : 0.0)
                .description("1 while etcd answers the DNS feed; 0 while DNS answers from the last records it had").register(metrics);
        Gauge.builder("waymark_dns_feed_revision", feed, f -> (double) f.status().revision())
                .description("etcd revision of the records DNS serves").register(metrics);
        Gauge.builder("waymark_dns_feed_stale_seconds", feed, f -> f.status().unreachableSinceNanos() == 0 ? 0.0
                : (System.nanoTime() - f.status().unreachableSinceNanos()) / 1e9).description("Seconds DNS has answered without reaching etcd (0 while it reaches it)").register(metrics);
    }

    private void startPlanner() {
        health = new HealthMonitor(Probes.checks(config, checks), HEALTH_CONCURRENCY_MAX, new SplittableRandom(new SecureRandom().nextLong()));
        health.start();
        closeOnExit.add(health);
        RoleWiring.Planning planning = RoleWiring.planning(config, planStore, recordStore, health, gate::unservable, reports, status, audit);
        plannerRole = planning.role();
        plannerLoop = RoleLoop.start("planner", config.planner().tickMs(), null, now -> {
            // Health checks run on every candidate, so a new leader already knows its targets; only the
            // leader plans, publishes, retires and cleans up.
            leading = leadership.step(now);
            return leading && planning.step().test(now);
        });
        closeOnExit.add(plannerLoop);
        levers = new Levers(planStore, audit, plannerLoop, plannerRole);
        Gauge.builder("waymark_planner_leader", this, d -> d.leading ? 1.0 : 0.0).description("1 while this process leads the planners").register(metrics);
    }

    private void startEnactor(String id) {
        EnactorRole role = new EnactorRole(new Enactor(id, planStore, recordStore, new SplittableRandom(new SecureRandom().nextLong()), Roles.enactor(config)));
        closeOnExit.add(RoleLoop.start(id, config.enactors().tickMs(), planStore, RoleWiring.enactorStep(id, role, reports, status)));
    }

    /** One thread writes every role's presence key of this process, on one lease, at most every few seconds each. */
    private void startPresence() {
        EtcdLease lease = new EtcdLease(etcd, LEASE_TTL_SECONDS);
        Map<String, EtcdPresence> entries = new TreeMap<>();
        closeOnExit.add(RoleLoop.start("presence", PRESENCE_TICK_MS, null, now -> {
            planWatch.step();
            for (Map.Entry<String, String> e : presence().entrySet()) {
                entries.computeIfAbsent(e.getKey(), k -> new EtcdPresence(etcd, lease, PRESENCE_WRITE_INTERVAL_NANOS));
                String[] roleAndId = e.getKey().split("/", 2);
                entries.get(e.getKey()).step(now, roleAndId[0], roleAndId[1], e.getValue());
            }
            return false;
        }));
        closeOnExit.add(lease::revoke);
    }

    /** This process's entries: "role/id" → one line of JSON. */
    private Map<String, String> presence() {
        Map<String, String> out = new TreeMap<>();
        String az = availabilityZone.orElse("");
        for (EnactorStatus e : status.enactors()) {
            out.put("enactor/" + e.id(), JSON.createObjectNode().put("zone", az).put("process", name).put("lastTickAt", e.lastTickAt())
                    .put("lastResult", e.lastResult()).put("kind", e.condition().kind()).put("condition", e.condition().condition()).put("since", e.condition().since()).toString());
        }
        if (roles.contains(Role.PLANNER)) {
            out.put("planner/" + name, JSON.createObjectNode().put("zone", az).put("leader", leading).put("lastResult", status.plannerLastResult())
                    .put("kind", leading ? status.planner().kind() : "STANDBY").put("condition", leading ? status.planner().condition()
                            : "standby; leader " + leadership.leader().orElse("unknown")).put("since", status.planner().since()).toString());
        }
        if (roles.contains(Role.DNS)) {
            EtcdRecordFeed.Status f = feed.status();
            out.put("dns/" + name, JSON.createObjectNode().put("zone", az).put("kind", f.reachable() ? "OK" : "TROUBLE")
                    .put("condition", "serves " + f.endpoints() + " endpoints at etcd revision " + f.revision() + (f.reachable() ? "" : "; etcd unreachable: " + f.problem()))
                    .put("since", "").toString());
        }
        return out;
    }

    public int dnsPort() {
        if (dns == null) throw new IllegalStateException("this process runs no DNS role");
        return dns.port();
    }

    public int httpPort() {
        return api.port();
    }

    public WaymarkConfig config() {
        return config;
    }

    public Set<Role> roles() {
        return roles;
    }

    /** The DNS feed's status (empty without the DNS role). */
    public Optional<EtcdRecordFeed.Status> feed() {
        return roles.contains(Role.DNS) ? Optional.of(feed.status()) : Optional.empty();
    }

    /** Endpoints this process's DNS serves at {@code generation} or later (benchmarks). */
    public int endpointsServedAtLeast(long generation) {
        return feed.servedAtLeast(generation);
    }

    /** gRPC calls this process has started on etcd. */
    public long etcdRequests() {
        return etcd.requests();
    }

    /** Whether this process leads the planners now. */
    public boolean leading() {
        return leading;
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
        return plannerRole != null ? plannerRole.endpoints() : List.copyOf(Roles.topology(config).endpoints().keySet());
    }

    /** Every enactor process of the installation (presence keys), with its zone, last tick, last result and lag behind the latest plan. */
    @Override
    public List<EnactorStatus> enactors() {
        List<EtcdPresence.Member> members = EtcdPresence.listOrEmpty(etcd);
        if (members.isEmpty()) return status.enactors();
        long latest = (long) Math.max(0, DaemonStatus.latestGeneration(planStore));
        List<EnactorStatus> out = new ArrayList<>();
        for (EtcdPresence.Member m : members) {
            if (!m.role().equals("enactor")) continue;
            JsonNode n = parse(m.json());
            String zone = n.path("zone").asText("");
            String result = n.path("lastResult").asText("");
            out.add(new EnactorStatus(m.id() + (zone.isEmpty() ? "" : " (zone " + zone + ")"), n.path("lastTickAt").asText(""),
                    result + lag(result, latest), new RoleView(n.path("kind").asText("OK"), n.path("condition").asText(""), n.path("since").asText("")),
                    workedOn(result)));
        }
        return out;
    }

    private static final java.util.regex.Pattern WORKED_ON = java.util.regex.Pattern.compile("\\bg(\\d+)\\b");

    /** The generation a tick result names as the plan it worked on ("... g12 ..."), 0 when it names none. */
    private static long workedOn(String tickResult) {
        java.util.regex.Matcher m = WORKED_ON.matcher(tickResult);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** "; lag N generations" from a tick result that names the plan it worked on. */
    private static String lag(String tickResult, long latest) {
        long g = workedOn(tickResult);
        if (g == 0 || latest == 0) return "";
        return "; lag " + Math.max(0, latest - g) + " generation(s)";
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
    public List<io.waymark.server.http.Operations.CheckResult> recentChecks(String targetId) {
        return checks.recent(targetId);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public String plannerLastResult() {
        return plannerRole == null ? "no planner in this process" : leading ? status.plannerLastResult() : "standby; leader " + leadership.leader().orElse("unknown");
    }

    @Override
    public RoleView planner() {
        if (plannerRole == null) return new RoleView("OK", "no planner in this process", "");
        return leading ? status.planner() : new RoleView("OK", "standby; leader " + leadership.leader().orElse("unknown"), "");
    }

    /** This process's other roles, and every planner and DNS process of the installation. */
    @Override
    public Map<String, RoleView> otherRoles() {
        Map<String, RoleView> out = new TreeMap<>(status.others());
        for (EtcdPresence.Member m : EtcdPresence.listOrEmpty(etcd)) {
            if (m.role().equals("enactor")) continue;
            JsonNode n = parse(m.json());
            out.put(m.role() + " " + m.id(), new RoleView(n.path("kind").asText("OK"), n.path("condition").asText(""), n.path("since").asText("")));
        }
        return out;
    }

    @Override
    public List<StoreStatus> stores() {
        EtcdRecordFeed.Status f = feed.status();
        if (f.reachable()) return List.of();
        String serving = roles.contains(Role.DNS) ? "DNS answers the last records it had (etcd revision " + f.revision() + "); " : "";
        return List.of(new StoreStatus("etcd", "FAILED", f.problem(), serving + "nothing is written meanwhile; bring etcd's quorum back: everything resumes by itself",
                f.unreachableSinceNanos() == 0 ? "" : status.at(f.unreachableSinceNanos()), 0));
    }

    @Override
    public Optional<GuardRefusal> guardRefusal() {
        return status.guardRefusal();
    }

    @Override
    public Map<Endpoint, String> unservable() {
        Map<Endpoint, String> all = new TreeMap<>(gate.skipped());
        if (plannerRole != null) all.putAll(plannerRole.unservable());
        return all;
    }

    @Override
    public List<TargetStatus> targets() {
        return health == null ? List.of() : RoleWiring.targets(config, health);
    }

    private Levers levers() {
        if (levers == null) throw new IllegalStateException("this process runs no planner: send rollback and forced publishes to a planner process");
        if (!leading) throw new IllegalStateException("this planner is on standby (leader " + leadership.leader().orElse("unknown") + "): send it to the leader");
        return levers;
    }

    @Override
    public Plan rollback(Generation generation, String who) {
        return levers().rollback(generation, who);
    }

    @Override
    public ControlFlags updateFlags(String action, UnaryOperator<ControlFlags> change, String who) {
        // Any process can pull a lever on the flags: they are a compare-and-set in etcd.
        ControlFlags now = new io.waymark.core.operator.Switches(planStore).update(change);
        audit.record(who, action, "flags now " + now + " (via " + name + ")");
        return now;
    }

    @Override
    public Plan publishForced(String reason, String who) {
        return levers().publishForced(reason, who);
    }

    @Override
    public void setTargetFailing(String id, boolean failing) {
        throw new IllegalArgumentException("target fail/recover drives the demo fleet of './waymark run' only");
    }

    @Override
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    /** Stops every role in reverse start order (the presence lease is revoked: this process leaves the status at once). */
    @Override
    public synchronized void close() {
        RoleWiring.closeAll(closeOnExit);
    }
}
