package org.hybridllm.lifecycle.monitor;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import org.springframework.stereotype.Component;

/**
 * {@code lifecycle.monitor.start-run}: a tripped check starts the next lifecycle run with its evidence, unless the
 * use case has an open run (then the check records that run). Idempotent: a check that names a run already
 * returns it.
 */
@Component
public class StartDriftRunWorker {

    public record StartRunInput(String useCaseKey, long driftCheckId) {
    }

    /** @param runStarted false: the use case had an open run, {@code runId} is that one */
    public record StartRunOutput(String runId, boolean runStarted) {
    }

    private final DriftRuns driftRuns;

    StartDriftRunWorker(DriftRuns driftRuns) {
        this.driftRuns = driftRuns;
    }

    @JobWorker(type = "lifecycle.monitor.start-run")
    public StartRunOutput startRun(@VariablesAsType StartRunInput input) {
        DriftRuns.Started started = driftRuns.start(input.driftCheckId(), input.useCaseKey(), "monitor");
        return new StartRunOutput(started.runId().toString(), started.runStarted());
    }
}
