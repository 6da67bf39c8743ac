package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code integrate A[:ep] B[:ep]}. */
@Command(name = "integrate", aliases = "relate", description = "Integrate (relate) two applications.")
final class IntegrateCommand extends ModelCommand {
    @Parameters(index = "0", description = "First application[:endpoint].")
    String first;

    @Parameters(index = "1", description = "Second application[:endpoint].")
    String second;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("first", first);
        a.put("second", second);
        call("integrate", a);
        return 0;
    }
}
