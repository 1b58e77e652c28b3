package org.hybridllm.lifecycle.governance;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stage "governance", step 2: after a decision message, takes the decision from Postgres (the system of record,
 * not the message) and moves the run out of AWAITING_APPROVAL. A message for a gate with no recorded decision was
 * not sent by the app (anyone on the engine's gateway can publish one): it is ignored, with an audit event, and the
 * process waits again ({@code decisionRecorded} false; bpmn/stages/governance.bpmn).
 */
@Component
public class RecordGateDecisionWorker {

    private static final Logger log = LoggerFactory.getLogger(RecordGateDecisionWorker.class);
    private static final int MAX_ANNOUNCED_LENGTH = 200;

    /** The job's output: the recorded decision, or that there is none yet. */
    public sealed interface GateOutcome permits GateDecided, MessageIgnored {
    }

    public record GateDecided(boolean decisionRecorded, String approvalDecision, String approvalDecidedBy,
                              String approvalComment, String changeTarget) implements GateOutcome {
    }

    public record MessageIgnored(boolean decisionRecorded) implements GateOutcome {
    }

    private final ApprovalRepository approvals;
    private final RunRepository runs;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    public RecordGateDecisionWorker(ApprovalRepository approvals, RunRepository runs, AuditLog audit,
                                    TransactionTemplate transaction) {
        this.approvals = approvals;
        this.runs = runs;
        this.audit = audit;
        this.transaction = transaction;
    }

    /**
     * @param announcedDecision what the message said the decision was (the wait's output mapping); audit only
     */
    @JobWorker(type = "lifecycle.governance.record-decision", fetchVariables = {"approvalId", "announcedDecision"})
    public GateOutcome record(@Variable("approvalId") String approvalId,
                              @Variable("announcedDecision") String announcedDecision) {
        return transaction.execute(status -> recordDecision(approvalId, announcedDecision));
    }

    GateOutcome recordDecision(String approvalId, String announcedDecision) {
        Approval approval = approvals.findForUpdate(UUID.fromString(approvalId))
                .orElseThrow(() -> new IllegalStateException("approval " + approvalId + " does not exist"));
        if (approval.status() == Approval.Status.PENDING) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("gateType", approval.gateType());
            details.put("reason", "no decision is recorded for this gate: the message was not sent by the app");
            details.put("announcedDecision", announcedDecision == null || announcedDecision.length()
                    <= MAX_ANNOUNCED_LENGTH ? announcedDecision : announcedDecision.substring(0, MAX_ANNOUNCED_LENGTH));
            audit.record(AuditLog.SYSTEM, "GATE_MESSAGE_IGNORED", "approval", approvalId, approval.runId(), details);
            log.warn("Ignored a decision message for gate {} of run {}: no decision is recorded; the gate waits",
                    approvalId, approval.runId());
            return new MessageIgnored(false);
        }
        runs.updateStatus(approval.runId(), approval.status() == Approval.Status.CHANGES_REQUESTED
                ? RunStatus.AWAITING_CHANGES : RunStatus.RUNNING);
        audit.record(AuditLog.SYSTEM, "GATE_" + approval.status().name(), "approval", approvalId, approval.runId(),
                Map.of("gateType", approval.gateType(), "decidedBy", approval.decidedBy()));
        return new GateDecided(true, approval.decision(), approval.decidedBy(), approval.comment(),
                approval.changeTarget());
    }
}
