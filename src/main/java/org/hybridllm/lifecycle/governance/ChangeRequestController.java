package org.hybridllm.lifecycle.governance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.feedback.FeedbackRepository;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The engineer's answer to a reviewer's change request: the run (AWAITING_CHANGES) goes back to the stage the
 * reviewer named and runs from there as a new revision. The message to the engine goes through the outbox.
 */
@RestController
@Tag(name = "Runs", description = "Lifecycle runs: start, follow, resume, cancel")
public class ChangeRequestController {

    public static final String CHANGES_ADDRESSED_MESSAGE = "changes-addressed";

    public record ChangesAddressed(@Size(max = 4000) String note) {
    }

    private final RunRepository runs;
    private final Outbox outbox;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final FeedbackRepository feedback;
    private final ApprovalRepository approvals;

    public ChangeRequestController(RunRepository runs, Outbox outbox, AuditLog audit,
                                   TransactionTemplate transaction, FeedbackRepository feedback,
                                   ApprovalRepository approvals) {
        this.feedback = feedback;
        this.approvals = approvals;
        this.runs = runs;
        this.outbox = outbox;
        this.audit = audit;
        this.transaction = transaction;
    }

    @PostMapping("/api/runs/{id}/changes-addressed")
    @Operation(summary = "Continue a run a reviewer sent back, from the stage they named, as a new revision")
    public Map<String, Object> changesAddressed(@PathVariable UUID id,
                                                @Valid @RequestBody(required = false) ChangesAddressed body,
                                                Principal user) {
        return transaction.execute(status -> {
            LifecycleRun run = runs.findForUpdate(id).orElseThrow(() -> ApiProblems.notFound("run", id));
            if (run.status() != RunStatus.AWAITING_CHANGES) {
                throw ApiProblems.conflict("run-not-awaiting-changes", "Run " + id + " is " + run.status()
                        + "; only a run a reviewer sent back (AWAITING_CHANGES) can continue with changes.");
            }
            runs.startRevision(id);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("revision", run.revision() + 1);
            details.put("note", body == null ? null : body.note());
            audit.record(user.getName(), "CHANGES_ADDRESSED", "lifecycle_run", id, id, details);
            // the new revision builds from the feedback as it is now (the engineer may have added corrections)
            long feedbackUpToId = feedback.summarise(run.useCaseId()).feedbackUpToId();
            // a signal only: CheckChangesAddressedWorker takes the revision, the snapshot and the stage to go back
            // to from this outbox row, committed with the new revision before the message is published
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("addressedRevision", run.revision() + 1);
            answer.put("feedbackUpToId", feedbackUpToId);
            approvals.requestedChangeTarget(id).ifPresent(target -> answer.put("changeTarget", target));
            outbox.enqueue(CHANGES_ADDRESSED_MESSAGE, id.toString(), answer);
            return Map.of("runId", id, "revision", run.revision() + 1, "status", RunStatus.RUNNING);
        });
    }

}
