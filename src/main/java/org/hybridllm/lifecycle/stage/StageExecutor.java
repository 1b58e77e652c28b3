package org.hybridllm.lifecycle.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.BpmnError;
import io.camunda.client.exception.CamundaError;
import io.camunda.client.exception.JobError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.engine.EngineProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a stage's work at most once per run, in three steps:
 * <ol>
 *   <li><b>claim</b> (short transaction: the stage's lock, the run's state, the ledger): a completed stage returns
 *       its recorded output, a cancelled run does nothing;</li>
 *   <li><b>work</b> with no transaction and no connection held: provider calls, training and judge calls may take
 *       minutes without holding a pooled connection;</li>
 *   <li><b>record</b> (short transaction: lock, ledger check, the stage's rows and its run_stage output): an attempt
 *       that finds the stage recorded by another attempt (a job handed out again, another app instance) discards
 *       its work and returns the recorded output. At most one output is recorded per stage.</li>
 * </ol>
 * Stages that only read and write Postgres run in one short transaction ({@link #onceInTransaction}).
 *
 * <p>Business failures are thrown by the work as BPMN errors (or as {@link BusinessFailure}s) and reach the
 * engine as BPMN errors; anything else is treated as transient and failed back with an exponential backoff.
 */
@Component
public class StageExecutor {

    private static final Logger log = LoggerFactory.getLogger(StageExecutor.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final StageLedger ledger;
    private final RunStates runs;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final EngineProperties instance;
    private final FaultInjection faults;

    StageExecutor(StageLedger ledger, RunStates runs, TransactionTemplate transaction, ObjectMapper json,
                  AuditLog audit, EngineProperties instance, FaultInjection faults) {
        this.ledger = ledger;
        this.runs = runs;
        this.transaction = transaction;
        this.json = json;
        this.audit = audit;
        this.instance = instance;
        this.faults = faults;
    }

    /** A stage with slow work: claim, work outside any transaction, record. */
    public <T> T once(ActivatedJob job, Class<T> outputType, StageWork<T> work) {
        return attempt(job, outputType, (runId, stage, startedAt) -> {
            Claim<T> claim = transaction.execute(status -> claim(runId, job.getType(), outputType));
            stage[0] = claim.stage();
            if (claim.recorded().isPresent()) {
                return claim.recorded().get();
            }
            StageWork.Recording<T> recording = work.work(runId);
            return transaction.execute(status -> {
                Claim<T> again = claim(runId, job.getType(), outputType);
                if (again.recorded().isPresent()) {
                    log.info("Stage {} of run {} was recorded by another attempt while this one worked; its work "
                            + "is discarded", again.stage(), runId);
                    return again.recorded().get();
                }
                return record(job, runId, again.stage(), startedAt, recording::record);
            });
        });
    }

    /** A stage that only reads and writes Postgres: claim and record in one short transaction. */
    public <T> T onceInTransaction(ActivatedJob job, Class<T> outputType, Function<UUID, T> work) {
        return attempt(job, outputType, (runId, stage, startedAt) -> transaction.execute(status -> {
            Claim<T> claim = claim(runId, job.getType(), outputType);
            stage[0] = claim.stage();
            return claim.recorded().orElseGet(() ->
                    record(job, runId, claim.stage(), startedAt, () -> work.apply(runId)));
        }));
    }

    /** One attempt at a stage; {@code stage[0]} is its key in the run's revision once known, for failure reports. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(UUID runId, String[] stage, OffsetDateTime startedAt) throws Exception;
    }

    /** Runs an attempt and turns what it throws into what the engine should do with the job. */
    private <T> T attempt(ActivatedJob job, Class<T> outputType, Attempt<T> attempt) {
        UUID runId = runIdOf(job);
        String[] stage = {job.getType()};
        try {
            return attempt.run(runId, stage, OffsetDateTime.now());
        } catch (DuplicateKeyException concurrentAttemptWon) {
            return readOutput(ledger.output(runId, stage[0]).orElseThrow(), outputType);
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

    private record Claim<T>(String stage, Optional<T> recorded) {
    }

    /** Inside a transaction: takes the stage's lock, then reads the run's state and the stage's recorded output. */
    private <T> Claim<T> claim(UUID runId, String jobType, Class<T> outputType) {
        ledger.lock(runId, jobType);
        RunStates.RunState run = runs.find(runId).orElse(new RunStates.RunState(false, 0));
        String stage = StageLedger.stageKey(jobType, run.revision());
        if (run.cancelled()) {
            // the run was cancelled while the engine could not be told: do nothing more, leave an incident
            throw CamundaError.jobError("Run " + runId + " is cancelled", null, 0, Duration.ZERO, null);
        }
        Optional<T> recorded = ledger.output(runId, stage).map(output -> readOutput(output, outputType));
        if (recorded.isPresent()) {
            log.info("Stage {} of run {} already completed (a retry, a resumed run or a concurrent attempt); "
                    + "returning its recorded output", stage, runId);
        }
        return new Claim<>(stage, recorded);
    }

    private <T> T record(ActivatedJob job, UUID runId, String stage, OffsetDateTime startedAt,
                         StageWork.Recording<T> recording) {
        T output = recording.record();
        ledger.record(runId, stage, Jsonb.write(json, output), job.getKey(), startedAt, instance.instanceName());
        faults.stageRecorded(job.getType(), stage);
        return output;
    }

    private <T> T readOutput(String stored, Class<T> outputType) {
        try {
            return json.readValue(stored, outputType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /**
     * The run a job belongs to. A process instance without a runId cannot be run by any stage: the job fails with
     * no retries (an incident in Operate) and says what to do, instead of throwing an error nothing catches.
     */
    public static UUID runIdOf(ActivatedJob job) {
        Object runId = job.getVariablesAsMap().get("runId");
        return runId(runId == null ? null : runId.toString());
    }

    /** {@link #runIdOf} for a worker that takes the runId variable as a parameter. */
    public static UUID runId(String runId) {
        if (runId == null || runId.isBlank()) {
            throw CamundaError.jobError("The process instance has no runId variable: start stage processes from "
                    + "llm-lifecycle (its register step sets runId), or pass runId when starting one alone",
                    null, 0, Duration.ZERO, null);
        }
        try {
            return UUID.fromString(runId);
        } catch (IllegalArgumentException notAUuid) {
            throw CamundaError.jobError("The runId variable '" + runId + "' is not a UUID", null, 0, Duration.ZERO,
                    null);
        }
    }
}
