package dev.charms.runner.controller;

import java.util.Set;

/**
 * What a successful hook committed that other units must hear about.
 *
 * @param unitBags   ids of relations whose unit bag (of the hook's unit) changed
 * @param appBags    ids of relations whose application bag (of the hook's application) changed
 * @param secretUris secrets that got a new revision
 */
record CommitEffects(Set<Integer> unitBags, Set<Integer> appBags, Set<String> secretUris) {
    static final CommitEffects NONE = new CommitEffects(Set.of(), Set.of(), Set.of());
}
