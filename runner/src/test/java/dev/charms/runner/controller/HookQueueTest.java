package dev.charms.runner.controller;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HookQueueTest {
    private static Hook changed(String remote) {
        return Hook.relation(Hook.Kind.RELATION_CHANGED, "cluster", 0, remote, "etcd", null);
    }

    private static Hook joined(String remote) {
        return Hook.relation(Hook.Kind.RELATION_JOINED, "cluster", 0, remote, "etcd", null);
    }

    private static List<String> names(HookQueue q) {
        return q.snapshot().stream().map(Hook::toString).toList();
    }

    @Test
    void coalescesPendingUnitHooks() {
        HookQueue q = new HookQueue();
        assertTrue(q.add(Hook.unit("config-changed")));
        assertFalse(q.add(Hook.unit("config-changed")));
        assertTrue(q.add(Hook.unit("update-status")));
        assertFalse(q.add(Hook.unit("update-status")));
        assertEquals(List.of("config-changed", "update-status"), names(q));
    }

    @Test
    void runningHeadDoesNotAbsorbNewEvents() {
        HookQueue q = new HookQueue();
        q.add(Hook.unit("config-changed"));
        q.start();
        assertTrue(q.add(Hook.unit("config-changed")), "the running config-changed may have read old config");
        q.succeeded();
        assertEquals(List.of("config-changed"), names(q));
    }

    @Test
    void changedCoalescesPerRelationAndRemote() {
        HookQueue q = new HookQueue();
        assertTrue(q.add(changed("etcd/1")));
        assertFalse(q.add(changed("etcd/1")));
        assertTrue(q.add(changed("etcd/2")));
        assertEquals(List.of("cluster-relation-changed(etcd/1)", "cluster-relation-changed(etcd/2)"), names(q));
    }

    @Test
    void joinedIsImmediatelyFollowedByChangedAndAbsorbsLaterChanges() {
        HookQueue q = new HookQueue();
        q.add(Hook.unit("start"));
        q.addJoined(joined("etcd/1"), changed("etcd/1"));
        assertFalse(q.add(changed("etcd/1")));
        assertEquals(List.of("start", "cluster-relation-joined(etcd/1)", "cluster-relation-changed(etcd/1)"), names(q));
    }

    @Test
    void appLevelChangeGoesBeforeUnitLevelButNeverBetweenJoinedAndChanged() {
        HookQueue q = new HookQueue();
        q.addJoined(joined("etcd/1"), changed("etcd/1"));
        q.add(changed("etcd/2"));
        q.add(Hook.relation(Hook.Kind.RELATION_CHANGED, "cluster", 0, null, "etcd", null));
        assertEquals(List.of("cluster-relation-joined(etcd/1)", "cluster-relation-changed(etcd/1)",
            "cluster-relation-changed", "cluster-relation-changed(etcd/2)"), names(q));
    }

    @Test
    void failedHeadStaysForRetryAndIsRunAgain() {
        HookQueue q = new HookQueue();
        q.add(Hook.unit("install"));
        q.add(Hook.unit("start"));
        assertEquals("install", q.start().name());
        q.failed();
        assertEquals("install", q.start().name());
        q.succeeded();
        assertEquals("start", q.start().name());
    }

    @Test
    void removePendingKeepsTheRunningHead() {
        HookQueue q = new HookQueue();
        q.add(Hook.unit("config-changed"));
        q.add(Hook.unit("update-status"));
        q.start();
        q.removePending(h -> true);
        assertEquals(List.of("config-changed"), names(q));
    }
}
