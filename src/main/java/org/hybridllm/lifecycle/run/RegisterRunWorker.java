package org.hybridllm.lifecycle.run;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.hybridllm.lifecycle.audit.AuditLog;

/**
 * First step of every run: makes sure it is tracked in Postgres. A run started by the app already has its row
 * (runId); one started elsewhere — the Tasklist start form, Camunda Modeler's "Run", a plain gRPC call — gets one
 * here, with an id derived from its process instance key so a retried job registers it once. A second instance
 * of a run that already has one is cancelled: a run runs in one instance.
 */
@Component
public class RegisterRunWorker {

    public static final String OUTSIDE_USER = "camunda-ui";

    public record RunRegistered(String runId, String useCaseKey, String startedBy) {
    }

    private final RunRepository runs;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final RunService runService;

    public RegisterRunWorker(RunRepository runs, JdbcClient jdbc, AuditLog audit, TransactionTemplate transaction,
                             RunService runService) {
        this.runService = runService;
        this.runs = runs;
        this.jdbc = jdbc;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.run.register", fetchVariables = {"runId", "useCase", "useCaseKey", "startedBy"})
    public RunRegistered register(ActivatedJob job) {
        Map<String, Object> v = job.getVariablesAsMap();
        if (v.get("runId") != null) {
            LifecycleRun run = runs.find(UUID.fromString(v.get("runId").toString()))
                    .orElseThrow(() -> new IllegalStateException("run " + v.get("runId") + " is not in Postgres"));
            // usually claimed already by RunService; not if the engine's answer to the create command was lost
            if (!runs.claimProcessInstance(run.id(), job.getProcessInstanceKey())) {
                runService.cancelDuplicate(run.id(), job.getProcessInstanceKey());
            }
            return new RunRegistered(run.id().toString(), run.useCaseKey(), run.startedBy());
        }
        Object requested = v.get("useCase") != null ? v.get("useCase") : v.get("useCaseKey");
        if (requested == null || requested.toString().isBlank()) {
            throw CamundaError.bpmnError("USE_CASE_MISSING", "Start the run with a 'useCase' variable");
        }
        String useCaseKey = requested.toString().strip();
        Optional<Long> useCaseId = jdbc.sql("select id from use_case where key = ?").param(useCaseKey)
                .query(Long.class).optional();
        if (useCaseId.isEmpty()) {
            throw CamundaError.bpmnError("UNKNOWN_USE_CASE", "Unknown use case '" + useCaseKey + "'");
        }
        String startedBy = v.get("startedBy") == null || v.get("startedBy").toString().isBlank()
                ? OUTSIDE_USER : v.get("startedBy").toString().strip();
        UUID runId = UUID.nameUUIDFromBytes(("zeebe-process-instance:" + job.getProcessInstanceKey())
                .getBytes(StandardCharsets.UTF_8));
        transaction.executeWithoutResult(status -> {
            if (runs.find(runId).isEmpty()) {
                runs.insert(runId, useCaseId.get(), startedBy);
                runs.attachProcessInstance(runId, job.getProcessInstanceKey());
                audit.record(startedBy, "RUN_STARTED", "lifecycle_run", runId, runId,
                        Map.of("useCase", useCaseKey, "startedFrom", "engine", "processInstanceKey",
                                job.getProcessInstanceKey()));
            }
        });
        return new RunRegistered(runId.toString(), useCaseKey, startedBy);
    }
}
