package io.waymark.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code waymark incident note|close|list}: operators' updates on the customers' status page. */
final class IncidentCommands {
    private IncidentCommands() {}

    @Command(name = "incident", mixinStandardHelpOptions = true, description = "Updates on the status page for customers (/status).",
            subcommands = {Note.class, Close.class, ListIncidents.class})
    static final class Incident implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "note", mixinStandardHelpOptions = true,
            description = "Add an update to the newest open incident (or --incident ID); with none open, it opens one. Shows on /status at once.")
    static final class Note extends OperatorCommands.ApiVerb {
        @Parameters(paramLabel = "TEXT", description = "What customers should know, in plain words.")
        String text;

        @Option(names = "--incident", paramLabel = "ID", description = "The incident to add it to.")
        Long incident;

        @Override
        JsonNode invoke(ApiClient c) {
            ObjectNode body = new ObjectMapper().createObjectNode().put("text", text);
            if (incident != null) body.put("incident", incident);
            return c.post("api/incidents/notes", body);
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Close an incident an operator opened (Waymark closes its own).")
    static final class Close extends OperatorCommands.ApiVerb {
        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--text", paramLabel = "TEXT", description = "Closing words (default: Resolved.).")
        String text;

        @Override
        JsonNode invoke(ApiClient c) {
            return c.post("api/incidents/" + id + "/close", new ObjectMapper().createObjectNode().put("text", text == null ? "" : text));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Incidents, newest first, with their updates.")
    static final class ListIncidents extends OperatorCommands.ApiVerb {
        @Override
        JsonNode invoke(ApiClient c) {
            return c.get("api/incidents");
        }

        @Override
        String render(JsonNode r) {
            StringBuilder b = new StringBuilder();
            for (JsonNode i : r.path("incidents")) {
                b.append('#').append(i.path("id").asLong()).append(' ').append(i.path("open").asBoolean() ? "OPEN  " : "closed").append(' ')
                        .append(i.path("title").asText()).append("  (").append(i.path("startedAt").asText())
                        .append(i.has("endedAt") ? " .. " + i.path("endedAt").asText() : "").append(")\n");
                for (JsonNode u : i.path("updates")) b.append("    ").append(u.path("at").asText()).append(' ').append(u.path("by").asText()).append(": ").append(u.path("text").asText()).append('\n');
            }
            return b.length() == 0 ? "no incidents" : b.toString().stripTrailing();
        }
    }
}
