package dev.charms.runner.tools;

import java.util.List;
import java.util.Map;

/** is-leader, leader-get and leader-set (immediate, leader only). */
final class LeaderTools {
    private LeaderTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.formatted("is-leader", new Flags(), LeaderTools::isLeader),
                ToolSpec.formatted("leader-get", new Flags(), LeaderTools::leaderGet),
                ToolSpec.of("leader-set", new Flags(), LeaderTools::leaderSet));
    }

    private static Object isLeader(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        return call.ctx().isLeader();
    }

    private static Object leaderGet(ToolCall call) throws ToolException {
        String key = call.args().isEmpty() || call.args().get(0).equals("-") ? null : call.args().get(0);
        if (key != null && key.contains("=")) {
            throw ToolException.usage("invalid key " + ToolCall.goQuote(key));
        }
        call.noMoreArgs(1);
        Map<String, String> settings = call.unit().application().leaderSettings();
        return key == null ? settings : settings.get(key);
    }

    private static Object leaderSet(ToolCall call) throws ToolException {
        Map<String, String> settings = ToolCall.keyValues(call.args());
        if (!call.ctx().isLeader()) {
            throw ToolException.failure("cannot write leadership settings: cannot write settings: not the leader");
        }
        call.unit().application().updateLeaderSettings(settings);
        return null;
    }
}
