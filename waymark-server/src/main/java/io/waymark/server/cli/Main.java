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
                OperatorCommands.TargetVerb.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The full command tree; tests execute verbs through this exactly as the launcher does. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
