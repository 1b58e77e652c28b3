package org.hybridllm.lifecycle.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.CamundaFuture;
import io.camunda.client.api.response.ProcessInstanceEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Conflict;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.api.NotFound;
import org.hybridllm.lifecycle.api.Unavailable;
import org.hybridllm.lifecycle.engine.EngineRefusals;
import org.hybridllm.lifecycle.stage.RecordedStages;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.hybridllm.lifecycle.audit.AuditLog;

/**
 * Starts and resumes lifecycle runs: a Postgres row first (the system of record), then the process instance.
 * Refusals are the api's exceptions: an unknown use case ({@link InvalidInput}), no such run ({@link NotFound}),
 * a run in the wrong state ({@link Conflict}), the engine not answering ({@link Unavailable}).
 */
@Service
public class RunService {

    public static final String PROCESS_ID = "llm-lifecycle";
    /**
     * Where a resumed run at a later revision goes on: the check of the engineer's recorded answer, which routes
     * to the stage the reviewer sent the run back to (bpmn/llm-lifecycle.bpmn), not the start of the process.
     */
    static final String REVISION_RESTART_ELEMENT = "check_changes_addressed";
    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final CamundaClient camunda;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final Duration fineTunePollInterval;
    private final Duration reviewEscalateAfter;
    private final ApplicationEventPublisher events;
    private final RunStartQueue startQueue;
    private final RecordedStages recordedStages;
    private final ObjectMapper json;

    public RunService(RunRepository runs, UseCaseRepository useCases, CamundaClient camunda, TransactionTemplate transaction,
                      AuditLog audit, ApplicationEventPublisher events, RunStartQueue startQueue,
                      RecordedStages recordedStages, ObjectMapper json,
                      @Value("${lifecycle.fine-tune-poll-interval:PT5S}") Duration fineTunePollInterval,
                      @Value("${lifecycle.governance.escalate-after:P2D}") Duration reviewEscalateAfter) {
        this.reviewEscalateAfter = reviewEscalateAfter;
        this.startQueue = startQueue;
        this.recordedStages = recordedStages;
        this.json = json;
        this.events = events;
        this.fineTunePollInterval = fineTunePollInterval;
        this.runs = runs;
        this.useCases = useCases;
        this.camunda = camunda;
        this.transaction = transaction;
        this.audit = audit;
    }

    public LifecycleRun start(String useCaseKey, String startedBy) {
        long useCaseId = useCases.findByKey(useCaseKey).map(UseCase::id)
                .orElseThrow(() -> new InvalidInput("useCase", "Unknown use case '" + useCaseKey + "'."));
        UUID runId = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            runs.insert(runId, useCaseId, startedBy);
            audit.record(startedBy, "RUN_STARTED", "lifecycle_run", runId, runId, Map.of("useCase", useCaseKey));
        });
        createInstance(runId, useCaseKey, startedBy, 0);
        return runs.find(runId).orElseThrow();
    }

    /**
     * Starts a run unless the use case has an open one (queued, running, awaiting approval or changes): at most
     * one open run per use case, however many callers ask at once (retraining after an erasure, monitoring).
     *
     * @return the new run, or empty when one is open already (see {@link #openRuns})
     */
    public Optional<LifecycleRun> startUnlessOpen(String useCaseKey, String startedBy, String reason) {
        long useCaseId = useCases.findByKey(useCaseKey).map(UseCase::id)
                .orElseThrow(() -> new InvalidInput("useCase", "Unknown use case '" + useCaseKey + "'."));
        UUID runId = UUID.randomUUID();
        Boolean started = transaction.execute(status -> {
            if (!runs.lockAndFindOpen(useCaseId).isEmpty()) {
                return false;
            }
            runs.insert(runId, useCaseId, startedBy);
            audit.record(startedBy, "RUN_STARTED", "lifecycle_run", runId, runId,
                    Map.of("useCase", useCaseKey, "reason", reason));
            return true;
        });
        if (!Boolean.TRUE.equals(started)) {
            return Optional.empty();
        }
        createInstance(runId, useCaseKey, startedBy, 0);
        return runs.find(runId);
    }

    /** The use case's open runs, oldest first. */
    public List<LifecycleRun> openRuns(long useCaseId) {
        return transaction.execute(status -> runs.lockAndFindOpen(useCaseId));
    }

    /**
     * Accepts a run without waiting for the engine: its row (QUEUED) and its start request, in the caller's
     * transaction; {@link RunStartDispatcher} creates the process instance once it has committed.
     *
     * @return the run's id; its status is {@link RunStatus#QUEUED}
     */
    public UUID queue(String useCaseKey, String startedBy) {
        long useCaseId = useCases.idOf(useCaseKey)
                .orElseThrow(() -> new InvalidInput("useCase", "Unknown use case '" + useCaseKey + "'."));
        UUID runId = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            runs.insertQueued(runId, useCaseId, startedBy);
            startQueue.add(runId, useCaseKey, startedBy);
            audit.record(startedBy, "RUN_STARTED", "lifecycle_run", runId, runId,
                    Map.of("useCase", useCaseKey, "queued", true));
        });
        return runId; // not read back: the intake's cost is its statements (BENCHMARKS.md, webhook)
    }

    /**
     * A run started by drift (the monitor's tripped check or a {@code drift.alert} webhook): queued like
     * {@link #queue}, in the caller's transaction, unless the use case already has an open run (queued, running,
     * waiting or interrupted) — then that run is the answer and nothing is started: at most one open run per use
     * case. The evidence is recorded with a run this starts and shown on it ({@code drift}).
     */
    public DriftRun queueForDrift(String useCaseKey, String startedBy, Map<String, Object> evidence) {
        UseCase useCase = useCases.findByKey(useCaseKey)
                .orElseThrow(() -> new InvalidInput("useCase", "Unknown use case '" + useCaseKey + "'."));
        return transaction.execute(status -> {
            runs.lockUseCaseRuns(useCase.id());
            var open = runs.findOpenOfUseCase(useCase.id());
            if (open.isPresent()) {
                return new DriftRun(open.get().id(), open.get().status(), false);
            }
            UUID runId = UUID.randomUUID();
            runs.insertQueued(runId, useCase.id(), startedBy);
            runs.recordDrift(runId, Jsonb.write(json, evidence));
            startQueue.add(runId, useCaseKey, startedBy);
            audit.record(startedBy, "RUN_STARTED", "lifecycle_run", runId, runId,
                    Map.of("useCase", useCaseKey, "queued", true, "trigger", "drift"));
            return new DriftRun(runId, RunStatus.QUEUED, true);
        });
    }

    /** @param started false: the use case had an open run already, {@code runId} is that one */
    public record DriftRun(UUID runId, RunStatus status, boolean started) {
    }

    /**
     * Starts an INTERRUPTED run again; its completed stages return their recorded outputs (run_stage). A run past
     * its first revision (sent back by a reviewer and answered) restarts at the check of that answer, with what
     * its earlier revisions recorded, so it goes back to the stage the reviewer chose (PROMPT or DATASET) and the
     * stages before it are not run again.
     */
    public LifecycleRun resume(UUID runId, String user) {
        LifecycleRun run = transaction.execute(status -> {
            LifecycleRun current = runs.findForUpdate(runId).orElseThrow(() -> new NotFound("run", runId));
            if (current.status() != RunStatus.INTERRUPTED) {
                throw new Conflict("run-not-interrupted", "Run " + runId + " is " + current.status()
                        + "; only an INTERRUPTED run can be resumed.");
            }
            runs.markResumed(runId);
            audit.record(user, "RUN_RESUMED", "lifecycle_run", runId, runId, Map.of("attempt", current.attempt() + 1));
            return current;
        });
        createInstance(runId, run.useCaseKey(), run.startedBy(), run.revision());
        return runs.find(runId).orElseThrow();
    }

    /**
     * Ends an open or interrupted run as CANCELLED: Postgres first (with its pending approvals and unfinished
     * fine-tuning job, through {@link RunCancelled}), then the process instance. Should the engine not answer,
     * the run stays cancelled and the stage executor refuses any further job of it.
     */
    public LifecycleRun cancel(UUID runId, String user, String reason) {
        LifecycleRun run = transaction.execute(status -> {
            LifecycleRun current = runs.findForUpdate(runId).orElseThrow(() -> new NotFound("run", runId));
            if (!current.status().isOpen() && current.status() != RunStatus.INTERRUPTED
                    && current.status() != RunStatus.QUEUED) {
                throw new Conflict("run-not-cancellable", "Run " + runId + " is " + current.status()
                        + "; only a queued, running, waiting or interrupted run can be cancelled.");
            }
            String why = "Cancelled by " + user + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
            runs.finish(runId, RunOutcome.CANCELLED, why);
            audit.record(user, "RUN_CANCELLED", "lifecycle_run", runId, runId,
                    Map.of("previousStatus", current.status().name(), "reason", why));
            events.publishEvent(new RunCancelled(runId, user, why));
            return current;
        });
        if (run.processInstanceKey() != null && run.status() != RunStatus.INTERRUPTED) {
            try {
                camunda.newCancelInstanceCommand(run.processInstanceKey()).send().join();
            } catch (RuntimeException e) {
                if (EngineRefusals.isNotFound(e)) {
                    return runs.find(runId).orElseThrow(); // the instance had already ended
                }
                log.warn("Run {} is cancelled but its process instance {} could not be cancelled", runId,
                        run.processInstanceKey(), e);
            }
        }
        return runs.find(runId).orElseThrow();
    }

    /**
     * Creates the run's process instance. The engine may create it and still not answer in time: that instance
     * then claims the run when its first job registers it (RegisterRunWorker), so the run is INTERRUPTED only if
     * no instance has claimed it, and an instance created while another already holds the run is cancelled.
     */
    private void createInstance(UUID runId, String useCaseKey, String startedBy, int revision) {
        ProcessInstanceEvent instance;
        try {
            instance = (revision == 0 ? sendCreateInstance(runId, useCaseKey, startedBy)
                    : sendRestartAtRevision(runId, useCaseKey, startedBy, revision)).join();
        } catch (RuntimeException e) {
            if (!runs.markInterruptedWithoutInstance(runId)) {
                log.info("Run {}: the engine did not answer, but an instance of the run has registered it", runId);
                return;
            }
            log.warn("Could not create a process instance for run {}", runId, e);
            audit.record(AuditLog.SYSTEM, "RUN_INTERRUPTED", "lifecycle_run", runId, runId,
                    Map.of("reason", "engine unavailable: " + e.getMessage()));
            throw new Unavailable("engine-unavailable", "The process engine did not accept the run; it is "
                    + "recorded as INTERRUPTED and can be resumed with POST /api/runs/" + runId + "/resume.");
        }
        if (!runs.claimProcessInstance(runId, instance.getProcessInstanceKey())) {
            cancelDuplicate(runId, instance.getProcessInstanceKey());
        }
    }

    /** The create command for the run's process instance, sent; its answer (or refusal) comes later. */
    CamundaFuture<ProcessInstanceEvent> sendCreateInstance(UUID runId, String useCaseKey, String startedBy) {
        return camunda.newCreateInstanceCommand()
                .bpmnProcessId(PROCESS_ID)
                .latestVersion()
                .variables(startVariables(runId, useCaseKey, startedBy))
                .send();
    }

    /** A new instance for a revision after the first: at the answer's check, with the earlier revisions' state. */
    private CamundaFuture<ProcessInstanceEvent> sendRestartAtRevision(UUID runId, String useCaseKey, String startedBy,
                                                                      int revision) {
        Map<String, Object> variables = new LinkedHashMap<>(recordedStages.variablesBefore(runId, revision));
        variables.putAll(startVariables(runId, useCaseKey, startedBy));
        variables.put("announcedRevision", String.valueOf(revision));
        log.info("Run {} resumes at revision {}: at {}, with {} recorded variables", runId, revision,
                REVISION_RESTART_ELEMENT, variables.size());
        return camunda.newCreateInstanceCommand()
                .bpmnProcessId(PROCESS_ID)
                .latestVersion()
                .variables(variables)
                .startBeforeElement(REVISION_RESTART_ELEMENT)
                .send();
    }

    private Map<String, Object> startVariables(UUID runId, String useCaseKey, String startedBy) {
        return Map.of("runId", runId.toString(), "useCaseKey", useCaseKey, "startedBy", startedBy,
                "fineTunePollInterval", fineTunePollInterval.toString(),
                "reviewEscalateAfter", reviewEscalateAfter.toString());
    }

    /** Ends a second instance of a run that already has one (or has ended): a run runs in one instance. */
    void cancelDuplicate(UUID runId, long processInstanceKey) {
        log.warn("Run {} already has a process instance; cancelling the second one, {}", runId, processInstanceKey);
        audit.record(AuditLog.SYSTEM, "DUPLICATE_INSTANCE_CANCELLED", "lifecycle_run", runId, runId,
                Map.of("processInstanceKey", processInstanceKey));
        try {
            camunda.newCancelInstanceCommand(processInstanceKey).send().join();
        } catch (RuntimeException e) {
            log.warn("Could not cancel process instance {} of run {}", processInstanceKey, runId, e);
        }
    }
}
