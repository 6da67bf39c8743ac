package dev.charms.runner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code local-juju}: a Juju-shaped command line for the local runner. Each subcommand is one class; all
 * but {@code debug-log} and a daemon-less {@code destroy} talk to the model's controller daemon.
 */
@Command(name = "local-juju", mixinStandardHelpOptions = true, version = "local-juju 1.0 (Juju 3.6 shapes)",
    description = "Run charms on this host as Juju would: one network/mount namespace per unit.",
    subcommands = {AddModelCommand.class, DeployCommand.class, AddUnitCommand.class, RemoveUnitCommand.class, ConfigCommand.class,
        IntegrateCommand.class, RemoveRelationCommand.class, AttachResourceCommand.class, RunCommand.class,
        RunActionCommand.class, ShowTaskCommand.class, StatusCommand.class, DebugLogCommand.class,
        WaitCommand.class, ExecCommand.class, ScpCommand.class, DestroyCommand.class, CutCommand.class,
        HealCommand.class, CrashCommand.class, RebootCommand.class, ElectCommand.class, RefreshCommand.class, ModelConfigCommand.class, DaemonCommand.class})
public final class LocalJuju implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LocalJuju());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("ERROR " + ex.getMessage());
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException c) {
                cmd.getErr().println("ERROR " + c.getMessage());
                return c.exitCode();
            }
            cmd.getErr().println("ERROR " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
