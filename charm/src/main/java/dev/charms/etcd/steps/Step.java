package dev.charms.etcd.steps;

/**
 * One part of the reconcile pass. The {@link Reconciler} runs the steps in their order, each with the
 * hook's {@link HookScope}; a step reads what earlier steps recorded there and records what it did.
 * Steps never call each other.
 */
public interface Step {
    /** Whether this step has work in the scope's current round (leader-only steps say so here). */
    boolean appliesTo(HookScope scope);

    /** Does the step's work; it may end the pass ({@link HookScope#halt}) or leave it unsettled ({@link HookScope#unsettled}). */
    void run(HookScope scope);
}
