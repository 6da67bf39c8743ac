package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Parameters;

/** Base of the runner-only helpers that act on one unit ({@code cut}, {@code heal}). */
abstract class UnitCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit, e.g. etcd/0.")
    String unit;

    abstract String op();

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("unit", unit);
        call(op(), a);
        return 0;
    }
}
