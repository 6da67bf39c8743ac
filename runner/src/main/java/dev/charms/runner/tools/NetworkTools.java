package dev.charms.runner.tools;

import dev.charms.runner.model.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** unit-get and network-get: the unit's machine address for every binding. */
final class NetworkTools {
    private static final List<String> NETWORK_FLAGS = List.of("bind-address", "ingress-address", "egress-subnets",
            "primary-address");

    private NetworkTools() {
    }

    static List<ToolSpec> specs() {
        Flags networkFlags = new Flags().value("r", "relation");
        NETWORK_FLAGS.forEach(networkFlags::bool);
        return List.of(
                ToolSpec.formatted("unit-get", new Flags(), NetworkTools::unitGet),
                ToolSpec.formatted("network-get", networkFlags, NetworkTools::networkGet));
    }

    private static Object unitGet(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no setting specified");
        }
        String setting = call.args().get(0);
        if (!setting.equals("private-address") && !setting.equals("public-address")) {
            throw ToolException.usage("unknown setting " + ToolCall.goQuote(setting));
        }
        call.noMoreArgs(1);
        String address = call.unit().address();
        if (address == null) {
            throw ToolException.failure(setting.equals("public-address") ? "public address not found"
                    : "private address not found");
        }
        return address;
    }

    private static Object networkGet(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no arguments specified");
        }
        String binding = call.args().get(0);
        if (binding.isEmpty()) {
            throw ToolException.usage("no binding name specified");
        }
        call.noMoreArgs(1);
        Unit unit = call.unit();
        if (!unit.application().meta().hasBinding(binding) || unit.address() == null) {
            throw ToolException.failure("no network config found for binding " + ToolCall.goQuote(binding));
        }
        String address = unit.address();
        List<String> chosen = NETWORK_FLAGS.stream().filter(f -> !f.equals("primary-address")).filter(call::has).toList();
        if (call.has("primary-address")) {
            if (!chosen.isEmpty()) {
                throw ToolException.failure("--primary-address must be the only flag specified");
            }
            return address;
        }
        if (chosen.isEmpty()) {
            return full(unit, !call.format().equals("json"));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("bind-address", address);
        values.put("ingress-address", address);
        values.put("egress-subnets", List.of(address + "/32"));
        if (chosen.size() == 1) {
            return values.get(chosen.get(0));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        chosen.forEach(f -> out.put(f, values.get(f)));
        return out;
    }

    /** The full network-get answer; YAML output also carries Juju's legacy key spellings. */
    private static Map<String, Object> full(Unit unit, boolean legacyKeys) {
        Map<String, Object> addr = new LinkedHashMap<>();
        addr.put("hostname", "");
        addr.put("value", unit.address());
        addr.put("cidr", unit.cidr());
        if (legacyKeys) {
            addr.put("address", unit.address());
        }
        Map<String, Object> iface = new LinkedHashMap<>();
        iface.put("mac-address", unit.macAddress());
        iface.put("interface-name", unit.interfaceName());
        iface.put("addresses", new ArrayList<>(List.of(addr)));
        if (legacyKeys) {
            iface.put("macaddress", unit.macAddress());
            iface.put("interfacename", unit.interfaceName());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bind-addresses", List.of(iface));
        out.put("egress-subnets", List.of(unit.address() + "/32"));
        out.put("ingress-addresses", List.of(unit.address()));
        return out;
    }
}
