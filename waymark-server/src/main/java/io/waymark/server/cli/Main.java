package io.waymark.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `waymark` command: one sub-command per verb. */
@Command(name = "waymark", mixinStandardHelpOptions = true, version = "waymark 0.1.0",
        description = "Automated DNS traffic management that cannot blank your records.",
        subcommands = {
                CommandLine.HelpCommand.class,
                RunCommand.class,
                ServeCommand.class,
                SimCommand.class,
                OperatorCommands.Status.class,
                OperatorCommands.Plan.class,
                OperatorCommands.Pause.class,
                OperatorCommands.Resume.class,
                OperatorCommands.Pin.class,
                OperatorCommands.Unpin.class,
                OperatorCommands.Rollback.class,
                OperatorCommands.Publish.class,
                OperatorCommands.TargetVerb.class,
                IncidentCommands.Incident.class,
                AuditCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The full command tree; tests execute verbs through this exactly as the launcher does. */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Main());
        withHelp(root);
        return root;
    }

    /** Every verb answers --help (and --version), including verbs added later without the mixin (issue 7, defect 14). */
    private static void withHelp(CommandLine command) {
        if (!command.getCommandSpec().mixinStandardHelpOptions()) command.getCommandSpec().mixinStandardHelpOptions(true);
        // Bounded by the depth of the command tree (three levels).
        for (CommandLine sub : command.getSubcommands().values()) withHelp(sub);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
