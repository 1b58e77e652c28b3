package org.hybridllm.lifecycle.run;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.stage.StageExecutor;

/** Every end of the llm-lifecycle process: records the run's outcome (and why it failed, if it did). */
@Component
public class FinishRunWorker {

    public record RunFinished(String outcome, String status) {
    }

    private final RunRepository runs;
    private final StageExecutor stages;
    private final AuditLog audit;
    private final JdbcClient jdbc;

    public FinishRunWorker(RunRepository runs, StageExecutor stages, AuditLog audit, JdbcClient jdbc) {
        this.runs = runs;
        this.jdbc = jdbc;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.run.finish", fetchVariables = {"runId", "outcome", "failureReason"})
    public RunFinished finish(ActivatedJob job) {
        Map<String, Object> v = job.getVariablesAsMap();
        RunOutcome outcome = RunOutcome.valueOf(String.valueOf(v.get("outcome")));
        String reason = v.get("failureReason") == null ? null : v.get("failureReason").toString();
        return stages.onceInTransaction(job, RunFinished.class, runId -> finish(runId, outcome, reason));
    }

    RunFinished finish(UUID runId, RunOutcome outcome, String failureReason) {
        String reason = outcome.status() == RunStatus.FAILED ? failureReason : null;
        if (outcome.status() == RunStatus.FAILED && reason == null) {
            reason = jdbc.sql("""
                            select details->>'message' from audit_event
                            where run_id = ? and action = 'STAGE_FAILED' order by id desc limit 1""")
                    .param(runId).query(String.class).optional().orElse(null);
        }
        if (outcome == RunOutcome.FINE_TUNE_FAILED && reason == null) {
            // an error end event in the fine-tune stage does not carry the child's variables: ask the job
            reason = jdbc.sql("select 'Fine-tuning failed: ' || coalesce(error, status) from fine_tune_job where run_id = ? order by id desc limit 1")
                    .param(runId).query(String.class).optional().orElse("Fine-tuning failed");
        }
        runs.finish(runId, outcome, reason);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("outcome", outcome.name());
        details.put("failureReason", reason);
        audit.record(AuditLog.SYSTEM, "RUN_" + outcome.status().name(), "lifecycle_run", runId, runId, details);
        return new RunFinished(outcome.name(), outcome.status().name());
    }
}
