package dev.charms.ops;

import java.util.List;
import java.util.Map;

/**
 * Every Juju hook tool the framework uses, one method each. This is the only seam between charm code and
 * Juju: {@link ProcessHookTools} runs the real tools; the testing harness has an in-memory twin.
 * Methods throw {@link HookToolException} (or a subclass) when a tool fails.
 */
public interface HookTools {
    /** {@code config-get --format=json}: options that are set or have a default. */
    Map<String, Object> configGet();

    /** {@code is-leader --format=json}. */
    boolean isLeader();

    /** {@code relation-ids --format=json ENDPOINT}: ids like {@code cluster:0}. */
    List<String> relationIds(String endpoint);

    /** {@code relation-list --format=json -r ID}: the remote units in the relation. */
    List<String> relationList(int relationId);

    /** {@code relation-list --app --format=json -r ID}: the remote application's name. */
    String relationRemoteApp(int relationId);

    /** {@code relation-get --format=json -r ID - UNIT} or with {@code --app - APP}: a whole data bag. */
    Map<String, String> relationGet(int relationId, String unitOrApp, boolean app);

    /** {@code relation-set -r ID [--app] --file -}: merges {@code data}; an empty value deletes the key. */
    void relationSet(int relationId, Map<String, String> data, boolean app);

    /** {@code status-set [--application] STATUS MESSAGE}. */
    void statusSet(String status, String message, boolean application);

    /** {@code application-version-set VERSION}. */
    void applicationVersionSet(String version);

    /** {@code open-port PORT/PROTO}. */
    void openPort(int port, String protocol);

    /** {@code close-port PORT/PROTO}. */
    void closePort(int port, String protocol);

    /** {@code opened-ports --format=json}: e.g. {@code 2379/tcp}. */
    List<String> openedPorts();

    /** {@code network-get --format=json BINDING}. */
    Map<String, Object> networkGet(String binding);

    /** {@code juju-log --log-level LEVEL -- MESSAGE}. */
    void jujuLog(String level, String message);

    /** {@code action-get --format=json}: the action's parameters. */
    Map<String, Object> actionGet();

    /** {@code action-set key=value ...} with dotted keys for nesting. */
    void actionSet(Map<String, String> flatResults);

    /** {@code action-fail MESSAGE}. */
    void actionFail(String message);

    /** {@code action-log MESSAGE}. */
    void actionLog(String message);

    /** {@code secret-add --file F [--label L] [--description D] [--owner O]}: returns the secret URI. */
    String secretAdd(Map<String, String> content, String label, String description, String owner);

    /** {@code secret-get --format=json URI [--label L] [--refresh]}: the secret's content. */
    Map<String, String> secretGet(String uri, String label, boolean refresh);

    /** {@code secret-set URI --file F}: a new revision. */
    void secretSet(String uri, Map<String, String> content);

    /** {@code secret-remove URI}: removes every revision of a secret this unit (or its app, if leader) owns. */
    void secretRemove(String uri);

    /** {@code secret-ids --format=json}: URIs of the secrets this unit (or its app, if leader) owns. */
    List<String> secretIds();

    /**
     * {@code goal-state --format=json}: the units Juju means this application to have, and the units
     * and applications of each relation, each with its {@code status} ({@code waiting}, {@code active},
     * {@code dying}, ...). Not every Juju (or emulator of it) offers it: callers treat a failure as "not
     * known" (docs/juju-contract.md, section 4).
     */
    Map<String, Object> goalState();

    /** {@code resource-get NAME}: the local path of an attached resource. */
    String resourceGet(String name);
}
