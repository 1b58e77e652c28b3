package org.hybridllm.lifecycle.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;

/**
 * First step of every run: makes sure it is tracked in Postgres. A run started by the app already has its row
 * (runId); one started elsewhere — the Tasklist start form, Camunda Modeler's "Run", a plain gRPC call — gets one
 * here, with an id derived from its process instance key so a retried job registers it once. A second instance
 * of a run that already has one is cancelled: a run runs in one instance.
 *
 * <p>Nobody checks the {@code startedBy} of a run started through the engine: its client names any requester it
 * likes (or none: {@value #OUTSIDE_USER}). Such a run is recorded with {@code requester_verified = false}, so its
 * gates take two distinct reviewers, neither of them the claimed requester (ApprovalService), and the audit
 * records the name as a claim, by {@value #ENGINE_CLIENT}.
 */
@Component
public class RegisterRunWorker {

    public static final String OUTSIDE_USER = "camunda-ui";
    /** The audit actor of a run started through the engine: a client of the gateway, not an authenticated user. */
    public static final String ENGINE_CLIENT = "engine-client";
    private static final int MAX_NAME_LENGTH = 200;

    /** The job's input: runId when the app started the run; the start form's variables otherwise. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Registration(String runId, String useCase, String useCaseKey, String startedBy) {
    }

    public record RunRegistered(String runId, String useCaseKey, String startedBy) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final RunService runService;

    public RegisterRunWorker(RunRepository runs, UseCaseRepository useCases, AuditLog audit,
                             TransactionTemplate transaction, RunService runService) {
        this.runService = runService;
        this.runs = runs;
        this.useCases = useCases;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.run.register", fetchVariables = {"runId", "useCase", "useCaseKey", "startedBy"})
    public RunRegistered register(ActivatedJob job, @VariablesAsType Registration registration) {
        long processInstanceKey = job.getProcessInstanceKey();
        if (registration.runId() != null) {
            LifecycleRun run = runs.find(UUID.fromString(registration.runId()))
                    .orElseThrow(() -> new IllegalStateException("run " + registration.runId() + " is not in Postgres"));
            // usually claimed already by RunService; not if the engine's answer to the create command was lost
            if (!runs.claimProcessInstance(run.id(), processInstanceKey)) {
                runService.cancelDuplicate(run.id(), processInstanceKey);
            }
            return new RunRegistered(run.id().toString(), run.useCaseKey(), run.startedBy());
        }
        String requested = registration.useCase() != null ? registration.useCase() : registration.useCaseKey();
        // nothing in the process can repair a start without a use case: an incident that says what to do (set
        // the variable in Operate and retry the job, or start again), not an error that nothing catches
        if (requested == null || requested.isBlank()) {
            throw CamundaError.jobError("Start the run with a 'useCase' variable naming a use case "
                    + "(GET /api/use-cases lists them)", null, 0, Duration.ZERO, null);
        }
        String useCaseKey = requested.strip();
        Optional<Long> useCaseId = useCases.findByKey(useCaseKey).map(UseCase::id);
        if (useCaseId.isEmpty()) {
            throw CamundaError.jobError("Unknown use case '" + useCaseKey + "': set the 'useCase' variable to one "
                    + "of GET /api/use-cases and retry the job, or start a new run", null, 0, Duration.ZERO, null);
        }
        String startedBy = claimedName(registration.startedBy());
        UUID runId = UUID.nameUUIDFromBytes(("zeebe-process-instance:" + processInstanceKey)
                .getBytes(StandardCharsets.UTF_8));
        transaction.executeWithoutResult(status -> {
            if (runs.find(runId).isEmpty()) {
                runs.insert(runId, useCaseId.get(), startedBy, false);
                runs.attachProcessInstance(runId, processInstanceKey);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("useCase", useCaseKey);
                details.put("startedFrom", "engine");
                details.put("processInstanceKey", processInstanceKey);
                details.put("claimedStartedBy", startedBy);
                details.put("requesterVerified", false);
                audit.record(ENGINE_CLIENT, "RUN_STARTED", "lifecycle_run", runId, runId, details);
            }
        });
        return new RunRegistered(runId.toString(), useCaseKey, startedBy);
    }

    private static String claimedName(String startedBy) {
        if (startedBy == null || startedBy.isBlank()) {
            return OUTSIDE_USER;
        }
        String name = startedBy.strip();
        return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    }
}
