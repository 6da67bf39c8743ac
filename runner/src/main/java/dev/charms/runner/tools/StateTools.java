package dev.charms.runner.tools;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** state-get, state-set and state-delete: the charm's per-unit server-side key-value state (buffered writes). */
final class StateTools {
    /** Juju core/quota limits for charm state. */
    static final int MAX_KEY_BYTES = 256;
    static final int MAX_VALUE_BYTES = 64 * 1024;

    private StateTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.formatted("state-get", new Flags().bool("strict"), StateTools::get),
                ToolSpec.of("state-set", new Flags().value("file"), StateTools::set),
                ToolSpec.of("state-delete", new Flags(), StateTools::delete));
    }

    private static Object get(ToolCall call) throws ToolException {
        String key = call.args().isEmpty() || call.args().get(0).equals("-") ? null : call.args().get(0);
        call.noMoreArgs(1);
        Map<String, String> state = call.ctx().state();
        if (key == null) {
            return state.isEmpty() ? null : state;
        }
        String value = state.get(key);
        if (value == null && call.has("strict")) {
            throw ToolException.failure(ToolCall.goQuote(key) + " not found");
        }
        return value;
    }

    private static Object set(ToolCall call) throws ToolException {
        Map<String, String> pairs = ToolCall.keyValues(call.args());
        Map<String, String> settings = new LinkedHashMap<>();
        if (call.value("file") != null) {
            settings.putAll(call.readSettingsFile(call.value("file")));
        }
        settings.putAll(pairs);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (e.getKey().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
                throw ToolException.failure("max allowed key length (" + MAX_KEY_BYTES + ") exceeded");
            }
            if (e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                throw ToolException.failure("max allowed value length (" + MAX_VALUE_BYTES + ") exceeded");
            }
        }
        settings.forEach(call.ctx()::setState);
        return null;
    }

    private static Object delete(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            return null;
        }
        call.noMoreArgs(1);
        if (!call.args().get(0).isEmpty()) {
            call.ctx().setState(call.args().get(0), null);
        }
        return null;
    }
}
