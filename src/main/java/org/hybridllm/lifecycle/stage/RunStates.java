package org.hybridllm.lifecycle.stage;

import java.util.Optional;
import java.util.UUID;

/**
 * What the stage runner needs to know of a run, owned here and implemented by the module that owns runs (so the
 * stage runner reads no other module's table).
 */
public interface RunStates {

    /**
     * @param cancelled whether the run was cancelled (a job of a cancelled run does nothing more)
     * @param revision  the run's revision: a run sent back by a reviewer runs its stages again, recorded under
     *                  their own key
     */
    record RunState(boolean cancelled, int revision) {
    }

    /** The run's state, empty if the run is not tracked. */
    Optional<RunState> find(UUID runId);
}
