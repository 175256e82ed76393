package io.waymark.server.daemon;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.waymark.dns.QueryStats;
import io.waymark.dns.Transport;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The DNS server's counters as meters: {@code waymark_dns_replies_total{transport, rcode}} and {@code waymark_dns_answer_seconds}. */
final class DnsMetrics {
    private static final String[] RCODE_NAMES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

    private DnsMetrics() {}

    static void register(MeterRegistry metrics, QueryStats stats) {
        for (Transport t : Transport.values()) {
            for (int rcode = 0; rcode < RCODE_NAMES.length; rcode++) {
                int r = rcode;
                FunctionCounter.builder("waymark_dns_replies_total", stats, s -> s.replies(t, r))
                        .tag("transport", t.name().toLowerCase(Locale.ROOT)).tag("rcode", RCODE_NAMES[rcode])
                        .description("DNS replies sent, by transport and response code").register(metrics);
            }
        }
        FunctionTimer.builder("waymark_dns_answer_seconds", stats, QueryStats::answered, QueryStats::answerNanosTotal, TimeUnit.NANOSECONDS)
                .description("Time from a query's arrival in the handler to its reply being queued (count and total; mean = total / count)").register(metrics);
    }
}
