package org.hybridllm.lifecycle.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stage "decide": the DMN table fine-tune-decision (a business rule task evaluated by the engine) chose; this
 * worker records its decision, rationale and the measured inputs it was taken on.
 */
@Component
public class RecordDecisionWorker {

    static final List<String> INPUTS = List.of("baselineAccuracy", "targetAccuracy", "labelledExamples",
            "minLabelledExamples", "promptPlateau", "promptIterations", "championFineTuned", "championAccuracy",
            "newLabelledExamples");

    public record DecisionRecorded(String fineTuneDecision, String decisionRationale) {
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final StageExecutor stages;
    private final AuditLog audit;

    public RecordDecisionWorker(JdbcClient jdbc, ObjectMapper json, StageExecutor stages, AuditLog audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.decide.record")
    public DecisionRecorded record(ActivatedJob job) {
        Map<String, Object> variables = job.getVariablesAsMap();
        return stages.onceInTransaction(job, DecisionRecorded.class, runId -> record(runId, variables));
    }

    DecisionRecorded record(UUID runId, Map<String, Object> variables) {
        if (!(variables.get("decisionResult") instanceof Map<?, ?> result)
                || result.get("decision") == null || result.get("rationale") == null) {
            throw new IllegalStateException("decisionResult from the fine-tune-decision table is missing");
        }
        String decision = result.get("decision").toString();
        String rationale = result.get("rationale").toString();
        Map<String, Object> inputs = new LinkedHashMap<>();
        INPUTS.forEach(name -> inputs.put(name, variables.get(name)));
        jdbc.sql("""
                        insert into decision (run_id, decision, rationale, inputs, revision)
                        select ?, ?, ?, ?::jsonb, revision from lifecycle_run where id = ?""")
                .params(runId, decision, rationale, Jsonb.write(json, inputs), runId)
                .update();
        audit.record(AuditLog.SYSTEM, "DECISION_TAKEN", "decision", runId, runId,
                Map.of("decision", decision, "rationale", rationale, "inputs", inputs));
        return new DecisionRecorded(decision, rationale);
    }
}
