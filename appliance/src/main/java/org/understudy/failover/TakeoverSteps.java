package org.understudy.failover;

/**
 * The takeover's actions, implemented by the daemon over the replica store, the NBD server and the configuration.
 * The {@link FailoverEngine} calls them in this order, times each one and records it in the timeline; a step that
 * throws counts as failed with the exception as detail. Steps run on the engine's takeover executor, one takeover
 * per primary at a time; implementations must be thread-safe across primaries.
 */
public interface TakeoverSteps {

    /** Raises the epoch on the primary's replicas so the old primary's replication writes are refused. Must succeed. */
    StepResult raiseEpoch(TakeoverTarget target);

    /**
     * Runs the configured fencing script ({@code fencingCommand}, e.g. a power-off) with its timeout;
     * {@link StepResult#skipped} if none. A failure aborts the takeover unless the policy says
     * {@code abortOnFencingFailure=false}. Runs before {@link #awaitRelease}: a frozen host still holds its address
     * until its fence displaces it.
     *
     * @param kind the takeover it fences for ({@code failover}, {@code forced-failover}, {@code switchover}), given
     *             to the script as {@code UNDERSTUDY_TAKEOVER}
     */
    StepResult runFencingScript(TakeoverTarget target, String kind, String reason);

    /** Every replica consistent and its generation known, else failed: such a replica is never promoted. */
    StepResult checkReplicas(TakeoverTarget target);

    /**
     * Waits, bounded by the primary's {@code releaseTimeout}, until the fenced primary has let go of its service
     * address and exports: a dead primary's address is free at once; a live one is told over its admin API that it
     * is fenced and confirms it stopped serving. Failed (with what is true: who still holds the address, what the
     * primary said) if the address is still held when the wait ends. A step of its own so that its time shows apart.
     */
    StepResult awaitRelease(TakeoverTarget target);

    /**
     * The takeover stopped after the epoch was raised and before the standby served: hands the primary its role
     * back (the fence lifted, the epoch handed over, as {@link #clearFence} does) if it answers, so its volumes stay
     * served. Failed when the primary does not answer; it then stays fenced.
     */
    StepResult handRoleBack(TakeoverTarget target, String why);

    /** Takes over the service address (see {@link IdentityAction}). */
    StepResult takeOverIdentity(TakeoverTarget target);

    /** Serves the replicas as NBD exports with the primary's export names, on its address and port. */
    StepResult serveVolumes(TakeoverTarget target);

    /** Runs the primary's failover hooks with {@link TakeoverTarget#environment}; see {@link HookScripts}. */
    StepResult runFailoverHooks(TakeoverTarget target, String kind, String reason);

    /** Undoes {@link #takeOverIdentity} when a later step fails (best effort). */
    StepResult releaseIdentity(TakeoverTarget target);

    /** An operator cleared the fence: the primary may sync and serve again (the daemon accepts its new epoch). */
    StepResult clearFence(TakeoverTarget target);
}
