package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * After a {@code changes-addressed} message: checks in Postgres that an engineer did answer the change request
 * (ChangeRequestController: the run is RUNNING again at a new revision, with the outbox message that says so) and
 * hands the process that revision's feedback snapshot and the stage the reviewer sent it back to
 * ({@code changeTarget}: PROMPT or DATASET) from the outbox row, not from the message nor from a process variable
 * an engine that lost its state would not have. A message nobody
 * recorded (anyone on the engine's gateway can publish one) is ignored, with an audit event, and the run keeps
 * waiting ({@code changesAddressed} false; bpmn/llm-lifecycle.bpmn).
 */
@Component
public class CheckChangesAddressedWorker {

    private static final Logger log = LoggerFactory.getLogger(CheckChangesAddressedWorker.class);

    /** The job's output: the answer as recorded, or that there is none. */
    public sealed interface ChangesOutcome permits ChangesAddressed, MessageIgnored {
    }

    public record ChangesAddressed(boolean changesAddressed, int revision, long feedbackUpToId, String changeTarget)
            implements ChangesOutcome {
    }

    public record MessageIgnored(boolean changesAddressed) implements ChangesOutcome {
    }

    /** What the outbox row of the answer holds ({@code revision}: as rows written before V12 named it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RecordedAnswer(Integer addressedRevision, Integer revision, Long feedbackUpToId, String changeTarget) {

        Integer answeredRevision() {
            return addressedRevision != null ? addressedRevision : revision;
        }
    }

    private final RunRepository runs;
    private final Outbox outbox;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final ApprovalRepository approvals;

    public CheckChangesAddressedWorker(RunRepository runs, Outbox outbox, AuditLog audit,
                                       TransactionTemplate transaction, ObjectMapper json,
                                       ApprovalRepository approvals) {
        this.approvals = approvals;
        this.runs = runs;
        this.outbox = outbox;
        this.audit = audit;
        this.transaction = transaction;
        this.json = json;
    }

    /**
     * @param announcedRevision the revision the message announced (the wait's output mapping); audit only
     */
    @JobWorker(type = "lifecycle.governance.check-changes-addressed", fetchVariables = {"runId", "announcedRevision"})
    public ChangesOutcome check(@Variable("runId") String runId,
                                @Variable("announcedRevision") String announcedRevision) {
        UUID id = StageExecutor.runId(runId);
        return transaction.execute(status -> check(id, announcedRevision));
    }

    ChangesOutcome check(UUID runId, String announcedRevision) {
        LifecycleRun run = runs.findForUpdate(runId).orElseThrow();
        Optional<RecordedAnswer> answer = outbox.latestVariables(ChangeRequestController.CHANGES_ADDRESSED_MESSAGE,
                runId.toString()).map(this::read);
        if (run.status() == RunStatus.RUNNING && answer.isPresent() && answer.get().feedbackUpToId() != null
                && Integer.valueOf(run.revision()).equals(answer.get().answeredRevision())) {
            // rows written before the change target was recorded with the answer: the change request's own
            String changeTarget = answer.get().changeTarget() != null ? answer.get().changeTarget()
                    : approvals.requestedChangeTarget(runId).orElse(DecisionRequest.ChangeTarget.DATASET.name());
            return new ChangesAddressed(true, run.revision(), answer.get().feedbackUpToId(), changeTarget);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "no answer to the change request is recorded: the message was not sent by the app");
        details.put("status", run.status().name());
        details.put("revision", run.revision());
        details.put("announcedRevision", announcedRevision == null || announcedRevision.length() <= 50
                ? announcedRevision : announcedRevision.substring(0, 50));
        audit.record(AuditLog.SYSTEM, "CHANGES_MESSAGE_IGNORED", "lifecycle_run", runId, runId, details);
        log.warn("Ignored a changes-addressed message for run {} ({}, revision {}): no answer is recorded; the run "
                + "keeps waiting", runId, run.status(), run.revision());
        return new MessageIgnored(false);
    }

    private RecordedAnswer read(String variables) {
        try {
            return json.readValue(variables, RecordedAnswer.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable outbox variables " + variables, e);
        }
    }
}
