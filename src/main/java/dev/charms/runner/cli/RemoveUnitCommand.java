package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code remove-unit UNIT...}. */
@Command(name = "remove-unit", description = "Remove units (they run their departing hooks first).")
final class RemoveUnitCommand extends ModelCommand {
    @Parameters(arity = "1..*", description = "Units, e.g. etcd/2.")
    List<String> units;

    @Override
    public Integer call() {
        ObjectNode a = args();
        units.forEach(a.putArray("units")::add);
        call("remove-unit", a);
        units.forEach(u -> err().println("will remove unit " + u));
        return 0;
    }
}
