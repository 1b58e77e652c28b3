package org.hybridllm.lifecycle.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.BpmnError;
import io.camunda.client.exception.CamundaError;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.hybridllm.lifecycle.engine.EngineProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a stage's work at most once per run: the output of a completed stage is stored in run_stage in the same
 * transaction as the rows the stage wrote, so a retried or re-delivered job (or a resumed run) gets the stored
 * output back instead of registering its artifacts again.
 *
 * <p>Business failures are thrown by the work as BPMN errors and pass through untouched; anything else is
 * treated as transient and failed back to the engine with an exponential retry backoff.
 */
@Component
public class StageExecutor {

    private static final Logger log = LoggerFactory.getLogger(StageExecutor.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final StageLedger ledger;
    private final RunRepository runs;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final EngineProperties instance;

    public StageExecutor(StageLedger ledger, TransactionTemplate transaction, ObjectMapper json, AuditLog audit,
                         RunRepository runs, EngineProperties instance) {
        this.instance = instance;
        this.runs = runs;
        this.audit = audit;
        this.ledger = ledger;
        this.transaction = transaction;
        this.json = json;
    }

    public <T> T once(ActivatedJob job, Class<T> outputType, Function<UUID, T> work) {
        UUID runId = runIdOf(job);
        // a run sent back by a reviewer runs its stages again as a new revision, recorded under their own key
        Optional<LifecycleRun> run = runs.find(runId);
        if (run.isPresent() && run.get().status() == RunStatus.CANCELLED) {
            // the run was cancelled while the engine could not be told: do nothing more, leave an incident
            throw CamundaError.jobError("Run " + runId + " is cancelled", null, 0, Duration.ZERO, null);
        }
        int revision = run.map(LifecycleRun::revision).orElse(0);
        String stage = revision == 0 ? job.getType() : job.getType() + "@r" + revision;
        try {
            OffsetDateTime startedAt = OffsetDateTime.now();
            try {
                // the recorded output is looked up once, under the stage's lock (one round trip less per job)
                return transaction.execute(status -> {
                    ledger.lock(runId, stage);
                    Optional<String> completed = ledger.completedOutput(runId, stage);
                    if (completed.isPresent()) {
                        log.info("Stage {} of run {} already completed (a retry, a resumed run or a concurrent "
                                + "attempt); returning its recorded output", stage, runId);
                        return readOutput(completed.get(), outputType);
                    }
                    T output = work.apply(runId);
                    ledger.record(runId, stage, Jsonb.write(json, output), job.getKey(), startedAt,
                            instance.instanceName());
                    return output;
                });
            } catch (DuplicateKeyException concurrentRetryWon) {
                return json.readValue(ledger.completedOutput(runId, stage).orElseThrow(), outputType);
            }
        } catch (BpmnError businessFailure) {
            // recorded outside the rolled-back transaction: error variables do not survive a call activity boundary
            audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "run_stage", stage, runId, Map.of(
                    "errorCode", businessFailure.getErrorCode(), "message", businessFailure.getErrorMessage()));
            throw businessFailure;
        } catch (Exception failure) {
            BusinessFailure business = businessFailure(failure);
            if (business != null) {
                audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "run_stage", stage, runId, Map.of(
                        "errorCode", business.errorCode(), "message", business.getMessage()));
                throw CamundaError.bpmnError(business.errorCode(), business.getMessage());
            }
            throw transientFailure(job, stage, runId, failure);
        }
    }

    private <T> T readOutput(String stored, Class<T> outputType) {
        try {
            return json.readValue(stored, outputType);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BusinessFailure businessFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BusinessFailure business) {
                return business;
            }
        }
        return null;
    }

    private static RuntimeException transientFailure(ActivatedJob job, String stage, UUID runId,
                                                     Exception transientFailure) {
        int retriesLeft = Math.max(job.getRetries() - 1, 0);
        Duration backoff = backoff(job.getRetries());
        log.warn("Stage {} of run {} failed ({} retries left, next in {}): {}", stage, runId, retriesLeft,
                backoff, transientFailure.toString());
        return CamundaError.jobError(stage + " failed: " + transientFailure.getMessage(), null, retriesLeft,
                backoff, transientFailure);
    }

    /** 1 s, 2 s, 4 s ... capped at a minute, growing as the retries run out. */
    static Duration backoff(int retriesLeft) {
        int attempt = Math.max(0, 5 - retriesLeft);
        Duration next = Duration.ofSeconds(1L << Math.min(attempt, 6));
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    public static UUID runIdOf(ActivatedJob job) {
        Object runId = job.getVariablesAsMap().get("runId");
        if (runId == null) {
            throw CamundaError.bpmnError("RUN_ID_MISSING", "The process instance has no runId variable");
        }
        return UUID.fromString(runId.toString());
    }
}
