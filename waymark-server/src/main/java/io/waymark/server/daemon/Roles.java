package io.waymark.server.daemon;

import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.Topology;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.config.WaymarkConfig.TargetSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Translates the validated configuration into core's vocabulary: topology, safety policy, enactor limits. */
final class Roles {
    /** octoDNS judges its 30% rule only above 10 records; so do we (see EnactorConfig). */
    private static final int CHANGE_GUARD_MIN_SERVED = 10;

    private Roles() {}

    static Topology topology(WaymarkConfig config) {
        Map<String, Target> targets = config.targets().stream().collect(Collectors.toMap(TargetSettings::id, Roles::target));
        List<EndpointSpec> specs = new ArrayList<>();
        for (WaymarkConfig.EndpointSettings e : config.endpoints()) {
            specs.add(new EndpointSpec(Endpoint.of(e.name()), e.ttlSeconds(), e.targets().stream().map(targets::get).toList()));
        }
        return Topology.of(specs);
    }

    static Target target(TargetSettings t) {
        return new Target(t.id(), WeightedAddress.parseLiteral(t.address()), t.zone(), t.capacity());
    }

    static SafetyPolicy safety(WaymarkConfig config) {
        WaymarkConfig.SafetySettings s = config.safety();
        return new SafetyPolicy(s.failOpen(), s.minHealthyFraction(), s.velocityMaxRemovedFraction(), s.velocityWindowMs());
    }

    static EnactorConfig enactor(WaymarkConfig config) {
        int perTick = config.enactors().endpointsPerTickMax();
        return EnactorConfig.DEFAULTS
                .withEndpointsPerTickMax(perTick)
                // One apply call per tick: the embedded store turns it into one fsync and one snapshot
                // swap, and a swap of a few thousand random endpoints already copies most of the name
                // table's shards, so fewer, larger swaps converge a large plan sooner.
                .withApplyBatchSize(Math.min(perTick, EnactorConfig.DEFAULTS.applyBatchSize() * 4))
                .withChangeThreshold(config.safety().changeThresholdFraction(), CHANGE_GUARD_MIN_SERVED);
    }

    static <T> Map<String, T> byTargetId(WaymarkConfig config, Function<TargetSettings, T> f) {
        return config.targets().stream().collect(Collectors.toMap(TargetSettings::id, f));
    }
}
