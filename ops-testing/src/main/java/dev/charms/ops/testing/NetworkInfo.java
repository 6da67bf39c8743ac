package dev.charms.ops.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code network-get} reports for one binding: bind addresses, ingress addresses, egress subnets. */
public record NetworkInfo(String interfaceName, List<String> bindAddresses, List<String> ingressAddresses,
                          List<String> egressSubnets) {
    public NetworkInfo {
        bindAddresses = List.copyOf(bindAddresses);
        ingressAddresses = List.copyOf(ingressAddresses);
        egressSubnets = List.copyOf(egressSubnets);
    }

    /** One interface with one address used for binding and ingress, egress from that address alone. */
    public static NetworkInfo of(String address) {
        return new NetworkInfo("eth0", List.of(address), List.of(address),
                List.of(address + (address.contains(":") ? "/128" : "/32")));
    }

    /** The {@code network-get --format=json} document, empty lists left out as Juju does. */
    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!bindAddresses.isEmpty()) {
            List<Object> addresses = new ArrayList<>();
            for (String a : bindAddresses) {
                Map<String, Object> addr = new LinkedHashMap<>();
                addr.put("hostname", "");
                addr.put("value", a);
                addr.put("cidr", cidr(a));
                addresses.add(addr);
            }
            Map<String, Object> iface = new LinkedHashMap<>();
            iface.put("mac-address", "00:16:3e:00:00:01");
            iface.put("interface-name", interfaceName);
            iface.put("addresses", addresses);
            out.put("bind-addresses", List.of(iface));
        }
        if (!egressSubnets.isEmpty()) {
            out.put("egress-subnets", egressSubnets);
        }
        if (!ingressAddresses.isEmpty()) {
            out.put("ingress-addresses", ingressAddresses);
        }
        return out;
    }

    private static String cidr(String address) {
        if (address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return address.substring(0, address.lastIndexOf('.')) + ".0/24";
        }
        return "";
    }
}
