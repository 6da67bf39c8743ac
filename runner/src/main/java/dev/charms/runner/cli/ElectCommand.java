package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code elect UNIT}: moves the application's leadership to UNIT at the current leader's next hook
 * boundary, as when Juju's leadership lease lapses and another unit claims it. Juju has no such command
 * (nobody chooses the leader); the runner has it so that tests can move leadership at a chosen moment.
 */
@Command(name = "elect", description = "Move an application's leadership to a unit (as when Juju's lease moves; "
    + "a runner-only test command).")
final class ElectCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit to become leader, e.g. etcd/2.")
    String unit;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("unit", unit);
        call("elect", a);
        return 0;
    }
}
