package org.hybridllm.lifecycle.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.BpmnError;
import io.camunda.client.exception.CamundaError;
import io.camunda.client.exception.JobError;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
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
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final EngineProperties instance;

    public StageExecutor(StageLedger ledger, TransactionTemplate transaction, ObjectMapper json, AuditLog audit,
                         EngineProperties instance) {
        this.instance = instance;
        this.audit = audit;
        this.ledger = ledger;
        this.transaction = transaction;
        this.json = json;
    }

    public <T> T once(ActivatedJob job, Class<T> outputType, Function<UUID, T> work) {
        UUID runId = runIdOf(job);
        String[] stage = {job.getType()}; // with the run's revision once it is read, under the lock
        try {
            OffsetDateTime startedAt = OffsetDateTime.now();
            try {
                return transaction.execute(status -> {
                    // lock first, then read: the run and the recorded output come back in one round trip
                    ledger.lock(runId, job.getType());
                    StageLedger.Position position = ledger.position(runId, job.getType());
                    stage[0] = position.stage();
                    if (position.runStatus() == RunStatus.CANCELLED) {
                        // the run was cancelled while the engine could not be told: do nothing more, leave an incident
                        throw CamundaError.jobError("Run " + runId + " is cancelled", null, 0, Duration.ZERO, null);
                    }
                    if (position.output().isPresent()) {
                        log.info("Stage {} of run {} already completed (a retry, a resumed run or a concurrent "
                                + "attempt); returning its recorded output", position.stage(), runId);
                        return readOutput(position.output().get(), outputType);
                    }
                    T output = work.apply(runId);
                    ledger.record(runId, position.stage(), Jsonb.write(json, output), job.getKey(), startedAt,
                            instance.instanceName());
                    return output;
                });
            } catch (DuplicateKeyException concurrentRetryWon) {
                return readOutput(ledger.position(runId, job.getType()).output().orElseThrow(), outputType);
            }
        } catch (JobError decided) {
            throw decided; // already says what the engine should do with the job
        } catch (BpmnError businessFailure) {
            // recorded outside the rolled-back transaction: error variables do not survive a call activity boundary
            audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "run_stage", stage[0], runId, Map.of(
                    "errorCode", businessFailure.getErrorCode(), "message", businessFailure.getErrorMessage()));
            throw businessFailure;
        } catch (Exception failure) {
            BusinessFailure business = businessFailure(failure);
            if (business != null) {
                audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "run_stage", stage[0], runId, Map.of(
                        "errorCode", business.errorCode(), "message", business.getMessage()));
                throw CamundaError.bpmnError(business.errorCode(), business.getMessage());
            }
            throw transientFailure(job, stage[0], runId, failure);
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
