package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue 7, defect 14: every verb, at every level of the command tree, answers --help with its usage and exit 0. */
class HelpTest {
    private static void collect(CommandLine command, List<String> path, List<List<String>> out) {
        out.add(path);
        for (var e : command.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().aliases().length > 0 && !e.getKey().equals(e.getValue().getCommandName())) continue;
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            collect(e.getValue(), sub, out);
        }
    }

    @Test
    void every_verb_answers_help() {
        List<List<String>> verbs = new ArrayList<>();
        collect(Main.commandLine(), List.of(), verbs);
        assertThat(verbs).hasSizeGreaterThan(15);
        List<String> failures = new ArrayList<>();
        for (List<String> verb : verbs) {
            List<String> args = new ArrayList<>(verb);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
            if (code != 0 || !out.toString().contains("Usage: waymark")) failures.add(String.join(" ", args) + " -> exit " + code + "\n" + out + err);
        }
        assertThat(failures).isEmpty();
    }
}
