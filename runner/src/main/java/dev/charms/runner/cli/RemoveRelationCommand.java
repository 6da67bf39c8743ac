package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code remove-relation A[:ep] B[:ep]}. */
@Command(name = "remove-relation", description = "Remove a relation between two applications.")
final class RemoveRelationCommand extends ModelCommand {
    @Parameters(index = "0", description = "First application[:endpoint].")
    String first;

    @Parameters(index = "1", description = "Second application[:endpoint].")
    String second;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("first", first);
        a.put("second", second);
        call("remove-relation", a);
        return 0;
    }
}
