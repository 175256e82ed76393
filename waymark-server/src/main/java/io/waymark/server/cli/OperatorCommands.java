package io.waymark.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The operator verbs: each is one call to the running daemon's HTTP API, printed for a person. */
final class OperatorCommands {
    private OperatorCommands() {}

    /** Shared by every verb: where the daemon is, and how a verb's call turns into an exit code. */
    abstract static class ApiVerb implements Callable<Integer> {
        @Option(names = "--api", defaultValue = "${env:WAYMARK_API:-http://127.0.0.1:8053}",
                description = "Daemon HTTP API base URL (default: ${DEFAULT-VALUE}, or $WAYMARK_API).")
        String api;

        @Option(names = "--json", description = "Print the API's JSON as it is.")
        boolean json;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "File holding the API token (default: $WAYMARK_TOKEN if set, else DATA_DIR/api.token).")
        java.nio.file.Path tokenFile;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
                description = "The daemon's data directory, where './waymark run' keeps api.token (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path dataDir;

        @Spec
        CommandSpec spec;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                JsonNode result = invoke(TokenSource.client(api, tokenFile, System.getenv("WAYMARK_TOKEN"), dataDir));
                out.println(json ? ApiClient.pretty(result) : render(result));
                out.flush();
                return 0;
            } catch (ApiClient.ApiException e) {
                spec.commandLine().getErr().println("waymark: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }

        abstract JsonNode invoke(ApiClient client);

        String render(JsonNode result) {
            return result.has("message") ? result.get("message").asText() : ApiClient.pretty(result);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Endpoints with served generation and records; enactors with last tick and result.")
    static final class Status extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.get("api/status");
        }

        @Override
        String render(JsonNode s) {
            return StatusText.render(s);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Kill switch: enactors stop writing DNS until resume.")
    static final class Pause extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/pause");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Lift the kill switch: enactors write again.")
    static final class Resume extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/resume");
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Stop the planner publishing: hold the current plan.")
    static final class Pin extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/pin");
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Let the planner publish again.")
    static final class Unpin extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/unpin");
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Republish an old plan's content as a new generation (roll-forward).")
    static final class Rollback extends ApiVerb {
        @Parameters(paramLabel = "GENERATION", description = "Generation whose content to republish.")
        long generation;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/rollback/" + generation);
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish the planner's current plan now as forced: the enactors' change guard is skipped (never the non-empty guard). "
                    + "For a change the guard refuses and that you have checked. The reason goes to the audit log.")
    static final class Publish extends ApiVerb {
        @Option(names = "--force", required = true, description = "Required: say that the change guard is to be skipped.")
        boolean force;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log with who and when).")
        String reason;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/publish?force=" + force + "&reason=" + java.net.URLEncoder.encode(reason, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "Inspect plans.", subcommands = {PlanShow.class, PlanHistory.class, PlanDiff.class})
    static final class Plan implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the latest plan, or the given generation.")
    static final class PlanShow extends ApiVerb {
        @Parameters(arity = "0..1", paramLabel = "GENERATION")
        Long generation;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.get(generation == null ? "api/plans/latest" : "api/plans/" + generation);
        }

        @Override
        String render(JsonNode p) {
            return StatusText.plan(p);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "List the generations kept in the plan store.")
    static final class PlanHistory extends ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.get("api/plans");
        }

        @Override
        String render(JsonNode h) {
            return StatusText.history(h);
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "What changes between two generations.")
    static final class PlanDiff extends ApiVerb {
        @Parameters(index = "0", paramLabel = "A")
        long a;

        @Parameters(index = "1", paramLabel = "B")
        long b;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.get("api/plans/diff?from=" + a + "&to=" + b);
        }

        @Override
        String render(JsonNode d) {
            return StatusText.diff(d);
        }
    }

    @Command(name = "target", mixinStandardHelpOptions = true, description = "Fail or recover a demo target's health check.", subcommands = {TargetFail.class, TargetRecover.class})
    static final class TargetVerb implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true, description = "Make a demo target's health check fail.")
    static final class TargetFail extends ApiVerb {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/targets/" + id + "/fail");
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true, description = "Make a demo target's health check pass again.")
    static final class TargetRecover extends ApiVerb {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/targets/" + id + "/recover");
        }
    }
}
