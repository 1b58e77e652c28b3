package org.hybridllm.lifecycle.run;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;

/** Every end of the llm-lifecycle process: records the run's outcome (and why it failed, if it did). */
@Component
public class FinishRunWorker {

    /**
     * Job input: the end's outcome (an input mapping of each finish task) and the failure, where known; for
     * INCONCLUSIVE, the gate's reasons (how many more examples would be needed).
     */
    public record FinishInput(UUID runId, RunOutcome outcome, String failureReason) {
    }

    public record RunFinished(String outcome, String status) {
    }

    private final RunRepository runs;
    private final StageExecutor stages;
    private final AuditLog audit;

    public FinishRunWorker(RunRepository runs, StageExecutor stages, AuditLog audit) {
        this.runs = runs;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.run.finish")
    public RunFinished finish(ActivatedJob job, @VariablesAsType FinishInput input) {
        return stages.onceInTransaction(job, RunFinished.class,
                runId -> finish(runId, input.outcome(), input.failureReason()));
    }

    RunFinished finish(UUID runId, RunOutcome outcome, String failureReason) {
        String reason = null;
        if (outcome.status() == RunStatus.FAILED) {
            // error events carry no variables across a call activity: the failed stage recorded why in the audit
            reason = failureReason != null ? failureReason : audit.lastStageFailure(runId)
                    .orElse(outcome == RunOutcome.FINE_TUNE_FAILED ? "Fine-tuning failed" : null);
        } else if (outcome == RunOutcome.INCONCLUSIVE) {
            reason = failureReason;
        }
        runs.finish(runId, outcome, reason);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("outcome", outcome.name());
        details.put("failureReason", reason);
        audit.record(AuditLog.SYSTEM, "RUN_" + outcome.status().name(), "lifecycle_run", runId, runId, details);
        return new RunFinished(outcome.name(), outcome.status().name());
    }
}
