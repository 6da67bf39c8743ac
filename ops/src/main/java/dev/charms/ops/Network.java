package dev.charms.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A binding's network as {@code network-get} reports it: where to listen and what to advertise. */
public record Network(List<String> bindAddresses, List<String> ingressAddresses, List<String> egressSubnets) {
    public Network {
        bindAddresses = List.copyOf(bindAddresses);
        ingressAddresses = List.copyOf(ingressAddresses);
        egressSubnets = List.copyOf(egressSubnets);
    }

    /** Parses {@code network-get --format=json} output. */
    public static Network parse(Map<String, Object> json) {
        List<String> bind = new ArrayList<>();
        if (json.get("bind-addresses") instanceof List<?> ifaces) {
            for (Object iface : ifaces) {
                if (iface instanceof Map<?, ?> m && m.get("addresses") instanceof List<?> addrs) {
                    for (Object a : addrs) {
                        if (a instanceof Map<?, ?> am && am.get("value") instanceof String v && !v.isEmpty()) {
                            bind.add(v);
                        }
                    }
                }
            }
        }
        return new Network(bind, strings(json.get("ingress-addresses")), strings(json.get("egress-subnets")));
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object x : list) {
                if (x instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The first bind address, or the first ingress address when Juju lists no bind address. */
    public String bindAddress() {
        if (!bindAddresses.isEmpty()) {
            return bindAddresses.get(0);
        }
        return ingressAddress();
    }

    /** The address other units and clients should use to reach this unit. */
    public String ingressAddress() {
        if (!ingressAddresses.isEmpty()) {
            return ingressAddresses.get(0);
        }
        if (!bindAddresses.isEmpty()) {
            return bindAddresses.get(0);
        }
        throw new IllegalStateException("network-get reported no address");
    }
}
