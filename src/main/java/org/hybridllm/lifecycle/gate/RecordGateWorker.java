package org.hybridllm.lifecycle.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stage "gate", step 3: the verdict the DMN table promotion-gate took, recorded in gate_result with the whole
 * evidence and its reasons (the table's, then each blocking slice and secondary metric by name, and for
 * INCONCLUSIVE how many more examples would be needed), and audited. Outputs {@code gate} and {@code gateVerdict}.
 */
@Component
public class RecordGateWorker {

    static final Set<String> VERDICTS = Set.of("PROMOTE", "KEEP_CHAMPION", "INCONCLUSIVE");

    /** The DMN table's result. */
    public record GateDecision(String verdict, String reason) {
    }

    /** Job input: the compute step's evidence and the table's decision. */
    public record RecordInput(UUID runId, GateEvidence gateEvidence, GateDecision gateDecision,
                              Integer additionalExamplesNeeded, String additionalExamplesReason) {
    }

    public record GateRecorded(GateEvidence gate, String gateVerdict) {
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final StageExecutor stages;
    private final AuditLog audit;

    public RecordGateWorker(JdbcClient jdbc, ObjectMapper json, StageExecutor stages, AuditLog audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.gate.record")
    public GateRecorded record(ActivatedJob job, @VariablesAsType RecordInput input) {
        return stages.onceInTransaction(job, GateRecorded.class, runId -> record(runId, input));
    }

    GateRecorded record(UUID runId, RecordInput input) {
        GateDecision decision = input.gateDecision();
        if (decision == null || decision.verdict() == null || !VERDICTS.contains(decision.verdict())
                || input.gateEvidence() == null) {
            throw new IllegalStateException("the promotion-gate table gave no verdict: " + decision);
        }
        GateEvidence evidence = input.gateEvidence();
        String verdict = decision.verdict();
        List<String> reasons = new ArrayList<>();
        if (decision.reason() != null) {
            reasons.add(decision.reason());
        }
        evidence.slices().stream().filter(GateEvidence.Slice::regressed).forEach(slice -> reasons.add(String.format(
                Locale.ROOT, "The %s '%s' regressed: %.3f → %.3f on %d examples, difference %.3f with 95 %% CI "
                        + "[%.3f, %.3f], wholly below the −margin.", slice.kind(), slice.name(), slice.champion(),
                slice.candidate(), slice.examples(), slice.difference(), slice.ci().get(0), slice.ci().get(1))));
        evidence.nonInferiority().stream().filter(ni -> !ni.passed()).forEach(ni -> reasons.add(String.format(
                Locale.ROOT, "%s is not non-inferior: champion %.6g, candidate %.6g; the 95 %% bound of the "
                        + "difference %.6g is beyond the margin %.6g.", ni.metric(), ni.champion(), ni.candidate(),
                ni.bound(), ni.margin())));
        Integer additional = null;
        if (verdict.equals("INCONCLUSIVE")) {
            additional = input.additionalExamplesNeeded();
            if (input.additionalExamplesReason() != null) {
                reasons.add(input.additionalExamplesReason());
            }
        }
        GateEvidence gate = evidence.decided(verdict, additional, reasons);
        jdbc.sql("""
                        insert into gate_result (run_id, revision, attempt, verdict, metric, difference, ci_low, ci_high,
                                                 p_value, test, minimum_detectable_effect, details)
                        select ?, revision, attempt, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb from lifecycle_run where id = ?""")
                .params(runId, verdict, gate.metric(), gate.difference(), gate.ci().get(0), gate.ci().get(1),
                        gate.pValue(), gate.test(), gate.minimumDetectableEffect(), Jsonb.write(json, gate), runId)
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("verdict", verdict);
        details.put("metric", gate.metric());
        details.put("difference", gate.difference());
        details.put("ci", gate.ci());
        details.put("pValue", gate.pValue());
        details.put("reasons", reasons);
        audit.record(AuditLog.SYSTEM, "GATE_DECIDED", "gate_result", runId, runId, details);
        return new GateRecorded(gate, verdict);
    }
}
