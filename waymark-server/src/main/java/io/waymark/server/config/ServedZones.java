package io.waymark.server.config;

import io.waymark.core.model.Endpoint;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.ServingSnapshot;
import io.waymark.dns.Zone;
import io.waymark.dns.ZoneFileReader;
import io.waymark.dns.ZoneLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The zones a configuration serves, loaded (zone files read and checked), and the servability check
 * of its endpoints against them. Used by {@link ConfigLoader} before anything starts and again by the
 * daemon (whose configuration may come from {@link DemoConfig}), so that an endpoint the DNS server
 * cannot answer for (outside every zone, at or below a delegation, a CNAME) is refused before anything
 * about it becomes durable: the record store would take it, and the DNS server would then refuse it
 * after the log append (issue 7, defect 1).
 */
public final class ServedZones {
    private ServedZones() {}

    /** Every zone, all or nothing; a refusal names the key ({@code zones[i].origin} or {@code zones[i].file}). */
    public static List<Zone> load(List<WaymarkConfig.ZoneSettings> zones) {
        List<Zone> out = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            WaymarkConfig.ZoneSettings z = zones.get(i);
            Name origin;
            try {
                origin = Name.fromString(z.origin());
            } catch (TextParseException e) {
                throw new ConfigException("zones[" + i + "].origin", "'" + z.origin() + "'", "a DNS name");
            }
            if (z.file() == null) {
                out.add(Zone.withDefaults(origin));
                continue;
            }
            try {
                out.add(ZoneFileReader.read(z.file(), origin));
            } catch (ZoneLoadException e) {
                throw new ConfigException("zones[" + i + "].file", "'" + z.file() + "'", "a servable zone file (" + e.getMessage() + ")");
            } catch (IllegalArgumentException e) {
                throw new ConfigException("zones[" + i + "].file", "'" + z.file() + "'", "a servable zone file (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** Refuses the first endpoint the zones cannot serve, naming {@code endpoints[i].name}, the name and why. */
    public static void checkServable(List<WaymarkConfig.EndpointSettings> endpoints, List<Zone> zones) {
        ServingSnapshot snapshot;
        try {
            snapshot = ServingSnapshot.of(zones, ServingOptions.defaults());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("zones", zones.size() + " zones", "zones that can be served together (" + e.getMessage() + ")");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String name = endpoints.get(i).name();
            Optional<String> why = snapshot.unservable(Endpoint.of(name));
            if (why.isPresent()) {
                throw new ConfigException("endpoints[" + i + "].name", "'" + name + "'",
                        "a name this server is authoritative for: inside a configured zone, not at or below a delegation (NS), not a CNAME; but " + why.get());
            }
        }
    }
}
