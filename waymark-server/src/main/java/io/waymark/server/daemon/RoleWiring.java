package io.waymark.server.daemon;

import io.waymark.adapters.health.HealthMonitor;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.Planner;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.role.CleanerRole;
import io.waymark.core.role.EnactorRole;
import io.waymark.core.role.PlannerRole;
import io.waymark.core.role.RetireRole;
import io.waymark.server.config.ServedZones;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.UpdatePolicy;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Zone;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import io.waymark.server.http.Operations;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring both composition roots share ({@link Daemon} on embedded stores, {@link EtcdDaemon} on
 * etcd): the planner's step with endpoint retirement and history clean-up, an enactor's step with its
 * reports, target status, and stopping in reverse start order. Only wiring; the roles are core's.
 */
final class RoleWiring {
    private static final Logger LOG = LoggerFactory.getLogger(RoleWiring.class);
    private static final long CLEANUP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int CLEANUP_DELETES_PER_RUN_MAX = 1_000;
    /** Endpoints retired per planner tick at most: each is a durable write, and a tick must stay short. */
    private static final int RETIRES_PER_TICK_MAX = 100;
    /** Once nothing is left to retire, the record store's endpoint set is scanned this often at most. */
    private static final long RETIRE_SCAN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private RoleWiring() {}

    /**
     * What the configuration serves: its zones loaded and its endpoints checked servable (again here: a
     * configuration built in code, DemoConfig or a test, has not been through ConfigLoader), with the
     * serving options of {@code dns:}. One place, so that the all-in-one and a distributed dns role answer
     * alike: the etcd daemon's copy had lost the NSID and CHAOS identity settings.
     */
    static Authority authority(WaymarkConfig config) {
        List<Zone> zones = ServedZones.load(config.zones());
        ServedZones.checkServable(config.endpoints(), zones);
        return Authority.of(zones, ServingOptions.defaults().withAnswerAddressesMax(config.dns().answerAddressesMax())
                .withIdentity(config.dns().identity(), config.dns().nsid()));
    }

    /**
     * The DNS server of {@code dns:} (not started), its counters registered; the etcd daemon's copy had lost
     * --udp-io and the metrics. {@code updates}: how it takes RFC 2136 UPDATEs (the embedded record store only).
     */
    static DnsServer dnsServer(WaymarkConfig config, Authority authority, MeterRegistry metrics, UpdatePolicy updates) throws UnknownHostException {
        WaymarkConfig.DnsSettings dns = config.dns();
        DnsServer server = new DnsServer(authority, new DnsServerConfig(InetAddress.getByName(dns.listen()), dns.port(),
                dns.tcpConnectionsMax(), dns.tcpIdleTimeoutMs(), dns.tcpConnectionsPerAddressMax(), dns.tcpMessageTimeoutMs(),
                dns.udpThroughFfm() ? DnsServerConfig.UdpIo.FFM : DnsServerConfig.UdpIo.NETTY), dns.transfer(), updates);
        DnsMetrics.register(metrics, server.stats());
        return server;
    }

    /** The planner role and its one step per tick: plan (and publish), retire what left the configuration, clean up history. */
    record Planning(PlannerRole role, LongPredicate step) {}

    static Planning planning(WaymarkConfig config, PlanStore planStore, RecordStore recordStore, HealthMonitor health,
            Function<Endpoint, Optional<String>> unservable, RoleReports reports, DaemonStatus status, AuditLog audit) {
        // The planner judges its plans with the enactors' own change guard, against what the record store serves,
        // so it never publishes one they would refuse (removals wait until every endpoint serves the latest plan).
        Planner planner = new Planner(planStore, System::currentTimeMillis, Roles.safety(config), Roles.enactor(config).changeGuard(), recordStore::read);
        PlannerRole plannerRole = new PlannerRole(planner, planStore, Roles.topology(config), () -> new HealthObservations(health.view()), unservable::apply,
                System::currentTimeMillis);
        // At start (the first tick) and then each tick, bounded: endpoints the record store holds that are not
        // configured are retired through the store's conditional tombstone.
        RetireRole retirer = new RetireRole(recordStore, recordStore::retire, planStore, Set.copyOf(plannerRole.endpoints()), RETIRES_PER_TICK_MAX,
                RETIRE_SCAN_INTERVAL_NANOS);
        CleanerRole cleaner = new CleanerRole(new HistoryCleaner(planStore, recordStore, config.planner().historyRetention(), CLEANUP_DELETES_PER_RUN_MAX),
                CLEANUP_INTERVAL_NANOS);
        LongPredicate step = now -> {
            PlannerRole.Step s = plannerRole.step(now);
            s.result().ifPresent(reports::plannerTick);
            s.transition().ifPresent(t -> reports.transition("planner", t, s.bug()));
            status.plannerStepped(s, plannerRole.conditionSinceNanos());
            RetireRole.Step retiring = retirer.step(now);
            retiring.transition().ifPresent(t -> reports.transition("retirement", t, Optional.empty()));
            status.roleStepped("retirement", retirer.condition(), retirer.conditionSinceNanos());
            for (RetireRole.Retired x : retiring.retired()) {
                LOG.info("retired {} (left the configuration; tombstone over {})", x.endpoint(), x.stamp());
                audit.record("waymark (configuration)", "retire", "endpoint " + x.endpoint() + " left the configuration; records and stamp removed",
                        Map.of("endpoint", x.endpoint().name(), "stamp", x.stamp().toString()));
            }
            CleanerRole.Step c = cleaner.step(now);
            c.transition().ifPresent(t -> reports.transition("history clean-up", t, Optional.empty()));
            status.roleStepped("history clean-up", cleaner.condition(), cleaner.conditionSinceNanos());
            c.result().filter(r -> !r.deleted().isEmpty()).ifPresent(r -> LOG.info("history clean-up deleted {} (oldest served {})", r.deleted(), r.oldestServed()));
            return false;
        };
        return new Planning(plannerRole, step);
    }

    /**
     * One enactor's step with its reports; true while it has more work (work per tick is bounded). It
     * adds the enactor to {@code status}: the one place that does, for both daemons (each had its own
     * call once, and the embedded daemon then listed every enactor twice).
     */
    static LongPredicate enactorStep(String id, EnactorRole role, RoleReports reports, DaemonStatus status) {
        status.enactorAdded(id);
        return now -> {
            EnactorRole.Step step = role.step(now);
            step.result().ifPresent(r -> reports.enactorTick(id, r));
            step.transition().ifPresent(t -> {
                reports.transition(id, t, step.bug());
                step.result().flatMap(r -> r.refusal()).ifPresent(f -> reports.enactorRefused(id, f.reason().name()));
            });
            status.enactorStepped(id, step, role.conditionSinceNanos());
            return step.moreWork();
        };
    }

    static List<Operations.TargetStatus> targets(WaymarkConfig config, HealthMonitor health) {
        var view = health.view();
        return config.targets().stream()
                .map(t -> new Operations.TargetStatus(t.id(), t.address(), t.zone(), t.capacity(), view.get(t.id()) == io.waymark.core.model.Health.UP))
                .toList();
    }

    /** Closes in reverse start order, each failure logged and the rest still closed; empties the list. */
    static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
        started.clear();
    }
}
