package dev.charms.runner.tools;

import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.PortRange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** open-port and close-port (buffered until the hook succeeds) and opened-ports (committed ports only). */
final class PortTools {
    private PortTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.of("open-port", new Flags().value("endpoints").value("format"), call -> change(call, true)),
                ToolSpec.of("close-port", new Flags().value("endpoints").value("format"), call -> change(call, false)),
                ToolSpec.formatted("opened-ports", new Flags().bool("endpoints"), PortTools::opened));
    }

    private static Object change(ToolCall call, boolean open) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no port or range specified");
        }
        PortRange range;
        try {
            range = PortRange.parse(call.args().get(0));
        } catch (ModelException e) {
            throw ToolException.usage(e.getMessage());
        }
        call.noMoreArgs(1);
        Set<String> endpoints = new LinkedHashSet<>();
        if (call.value("endpoints") != null) {
            for (String ep : call.value("endpoints").split(",")) {
                String name = ep.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (call.unit().application().meta().endpoint(name).isEmpty()) {
                    throw ToolException.failure("cannot " + (open ? "open " : "close ") + range + " (endpoints "
                            + ToolCall.goQuote(name) + "): endpoint " + ToolCall.goQuote(name) + " not found");
                }
                endpoints.add(name);
            }
        }
        call.ctx().changePort(open, range, endpoints);
        return RawOutput.formatDeprecated(call);
    }

    private static Object opened(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        List<String> out = new ArrayList<>();
        for (Map.Entry<PortRange, Set<String>> e : call.unit().openedPorts().entrySet()) {
            if (call.has("endpoints")) {
                String eps = e.getValue().isEmpty() ? "*" : String.join(", ", e.getValue());
                out.add(e.getKey() + " (" + eps + ")");
            } else {
                out.add(e.getKey().toString());
            }
        }
        return out;
    }
}
