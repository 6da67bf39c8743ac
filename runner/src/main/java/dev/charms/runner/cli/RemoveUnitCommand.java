package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code remove-unit [--force --no-wait] UNIT...}. */
@Command(name = "remove-unit", description = "Remove units (they run their departing hooks first; with --force"
        + " --no-wait at once and without their own hooks, as when their machine is gone).")
final class RemoveUnitCommand extends ModelCommand {
    @Option(names = "--force", description = "Remove even if the unit's hooks cannot run (with --no-wait: run none).")
    boolean force;

    @Option(names = "--no-wait", description = "With --force: do not wait for the unit's own hooks.")
    boolean noWait;

    @Parameters(arity = "1..*", description = "Units, e.g. etcd/2.")
    List<String> units;

    @Override
    public Integer call() {
        ObjectNode a = args();
        units.forEach(a.putArray("units")::add);
        if (noWait && !force) {
            err().println("ERROR --no-wait requires --force");
            return 2;
        }
        a.put("force", force && noWait);
        call("remove-unit", a);
        units.forEach(u -> err().println("will remove unit " + u));
        return 0;
    }
}
