package dev.charms.runner.cli;

import picocli.CommandLine.Command;

/** {@code cut UNIT}: partitions a unit's machine from the network (runner-only, for tests and demos). */
@Command(name = "cut", description = "Cut a unit's network (simulate a partition).")
final class CutCommand extends UnitCommand {
    @Override
    String op() {
        return "cut";
    }
}
