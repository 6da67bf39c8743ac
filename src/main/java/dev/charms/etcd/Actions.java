package dev.charms.etcd;

import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;

/** Routes each action to its handler. */
final class Actions {
    private final Framework fw;
    private final Workload workload;

    Actions(Framework fw, Workload workload) {
        this.fw = fw;
        this.workload = workload;
    }

    void run(Event.Action event) {
        throw new ActionFailedException("action " + event.action() + " is not available in this build of the charm"
                + " (" + workload.paths() + ", " + fw.model().unitName() + ")");
    }
}
