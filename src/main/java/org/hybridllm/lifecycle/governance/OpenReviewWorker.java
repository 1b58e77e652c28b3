package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stage "governance", step 1: opens a review (an approval row with the evidence a reviewer decides on) and puts the
 * run in AWAITING_APPROVAL. Idempotent on the approval itself: a retried job, or a resumed run, finds the gate's
 * open review (and waits for it) or its decision (and goes on without waiting).
 */
@Component
public class OpenReviewWorker {

    /** Process variables copied into the evidence a reviewer sees. */
    static final List<String> EVIDENCE = List.of("useCaseKey", "baselineAccuracy", "baselineMacroF1",
            "targetAccuracy", "fineTuneDecision", "decisionRationale", "datasetVersionId", "datasetVersion",
            "datasetSha256", "trainRows", "validationRows", "testRows", "duplicatesRemoved", "piiItemsScrubbed",
            "candidateModelVersionId", "candidateModelName", "championAccuracy", "championMacroF1",
            "candidateAccuracy", "candidateMacroF1", "championPromptTokensPerCall", "candidatePromptTokensPerCall",
            "testExamples", "championEvalRunId", "candidateEvalRunId");

    public record ReviewOpened(String approvalId, boolean alreadyDecided, String approvalDecision) {
    }

    private final RunRepository runs;
    private final ApprovalRepository approvals;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final ObjectMapper json;

    public OpenReviewWorker(RunRepository runs, ApprovalRepository approvals, TransactionTemplate transaction,
                            AuditLog audit, ObjectMapper json) {
        this.runs = runs;
        this.approvals = approvals;
        this.transaction = transaction;
        this.audit = audit;
        this.json = json;
    }

    @JobWorker(type = "lifecycle.governance.open-review")
    public ReviewOpened open(ActivatedJob job) {
        UUID runId = StageExecutor.runIdOf(job);
        Map<String, Object> variables = job.getVariablesAsMap();
        String gateType = String.valueOf(variables.getOrDefault("gateType", "MODEL_PROMOTION"));
        return transaction.execute(status -> open(runId, gateType, variables));
    }

    ReviewOpened open(UUID runId, String gateType, Map<String, Object> variables) {
        LifecycleRun run = runs.findForUpdate(runId).orElseThrow();
        // a review whose changes were requested is closed: the new revision gets a review of its own
        Optional<Approval> existing = approvals.latestFor(runId, gateType)
                .filter(a -> a.status() != Approval.Status.CHANGES_REQUESTED);
        if (existing.isPresent()) {
            Approval approval = existing.get();
            if (approval.status() == Approval.Status.PENDING) {
                runs.updateStatus(runId, RunStatus.AWAITING_APPROVAL);
                return new ReviewOpened(approval.id().toString(), false, null);
            }
            return new ReviewOpened(approval.id().toString(), true, approval.decision());
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        EVIDENCE.forEach(name -> {
            if (variables.get(name) != null) {
                evidence.put(name, variables.get(name));
            }
        });
        UUID approvalId = UUID.randomUUID();
        approvals.insert(approvalId, runId, gateType, run.startedBy(), Jsonb.write(json, evidence));
        runs.updateStatus(runId, RunStatus.AWAITING_APPROVAL);
        audit.record(AuditLog.SYSTEM, "REVIEW_OPENED", "approval", approvalId, runId,
                Map.of("gateType", gateType, "requestedBy", run.startedBy()));
        return new ReviewOpened(approvalId.toString(), false, null);
    }
}
