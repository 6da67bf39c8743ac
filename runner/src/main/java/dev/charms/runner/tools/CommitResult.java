package dev.charms.runner.tools;

import java.util.List;

/**
 * What {@link HookContext#commit()} changed, so the controller can queue hooks on other units.
 *
 * @param bags                 relation bags whose contents changed (fire relation-changed on the other units)
 * @param secretsNewRevision   URIs of secrets that got a new revision (secret-changed for their consumers)
 * @param secretsCreated       URIs of secrets created by the hook
 * @param secretsRemoved       URIs of secrets removed entirely
 * @param portsChanged         whether the unit's opened ports changed
 * @param stateChanged         whether the unit's charm state changed
 */
public record CommitResult(List<BagChange> bags, List<String> secretsNewRevision, List<String> secretsCreated,
                           List<String> secretsRemoved, boolean portsChanged, boolean stateChanged) {
    public CommitResult {
        bags = List.copyOf(bags);
        secretsNewRevision = List.copyOf(secretsNewRevision);
        secretsCreated = List.copyOf(secretsCreated);
        secretsRemoved = List.copyOf(secretsRemoved);
    }
}
