package dev.charms.runner.cli;

import picocli.CommandLine.Command;

/** {@code heal UNIT}: ends a partition made by {@code cut}. */
@Command(name = "heal", description = "Restore a unit's network after cut.")
final class HealCommand extends UnitCommand {
    @Override
    String op() {
        return "heal";
    }
}
