package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code crash UNIT SERVICE}: SIGKILLs a service's main process in the unit, as a crash would. */
@Command(name = "crash", description = "Kill a service in a unit (SIGKILL), as a crash would.")
final class CrashCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit, e.g. etcd/0.")
    String unit;

    @Parameters(index = "1", description = "Service, e.g. etcd.")
    String service;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("unit", unit);
        a.put("service", service);
        call("crash", a);
        return 0;
    }
}
