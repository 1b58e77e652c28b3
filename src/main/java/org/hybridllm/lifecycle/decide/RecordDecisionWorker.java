package org.hybridllm.lifecycle.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
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

    /** The DMN table's result. */
    public record DecisionResult(String decision, String rationale) {
    }

    /** Job input: the table's result and the measured inputs it was taken on (recorded with it). */
    public record DecisionInput(UUID runId, DecisionResult decisionResult, Double baselineAccuracy,
                                Double targetAccuracy, Long labelledExamples, Long minLabelledExamples,
                                Boolean promptPlateau, Integer promptIterations, Boolean championFineTuned,
                                Double championEvalSetAccuracy, Long newLabelledExamples, Long monthlyRequests,
                                String volumeSource, Double championLatencyP95Ms, Double championCostPerRequestUsd,
                                Long highVolumeMonthlyRequests, Double highLatencyP95Ms,
                                BigDecimal highCostPerRequestUsd) {
    }

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
    public DecisionRecorded record(ActivatedJob job, @VariablesAsType DecisionInput input) {
        return stages.onceInTransaction(job, DecisionRecorded.class, runId -> record(runId, input));
    }

    DecisionRecorded record(UUID runId, DecisionInput input) {
        DecisionResult result = input.decisionResult();
        if (result == null || result.decision() == null || result.rationale() == null) {
            throw new IllegalStateException("decisionResult from the fine-tune-decision table is missing");
        }
        String decision = result.decision();
        String rationale = result.rationale();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("baselineAccuracy", input.baselineAccuracy());
        inputs.put("targetAccuracy", input.targetAccuracy());
        inputs.put("labelledExamples", input.labelledExamples());
        inputs.put("minLabelledExamples", input.minLabelledExamples());
        inputs.put("promptPlateau", input.promptPlateau());
        inputs.put("promptIterations", input.promptIterations());
        inputs.put("championFineTuned", input.championFineTuned());
        inputs.put("championEvalSetAccuracy", input.championEvalSetAccuracy());
        inputs.put("newLabelledExamples", input.newLabelledExamples());
        inputs.put("monthlyRequests", input.monthlyRequests());
        inputs.put("volumeSource", input.volumeSource());
        inputs.put("championLatencyP95Ms", input.championLatencyP95Ms());
        inputs.put("championCostPerRequestUsd", input.championCostPerRequestUsd());
        inputs.put("highVolumeMonthlyRequests", input.highVolumeMonthlyRequests());
        inputs.put("highLatencyP95Ms", input.highLatencyP95Ms());
        inputs.put("highCostPerRequestUsd", input.highCostPerRequestUsd());
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
