package org.hybridllm.lifecycle.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.webhook.DriftAlertEvents;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way drift starts a run, for the monitor's tripped checks and the {@code drift.alert} webhook alike: the
 * check's evidence goes with the run (RunService#queueForDrift: at most one open run per use case) and the check
 * records the run it started or found open.
 */
@Component
class DriftRuns implements DriftAlertEvents {

    record Started(UUID runId, String status, boolean runStarted) {
    }

    private final DriftCheckRepository checks;
    private final RunService runs;
    private final UseCaseRepository useCases;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;

    DriftRuns(DriftCheckRepository checks, RunService runs, UseCaseRepository useCases, AuditLog audit,
              ObjectMapper json, TransactionTemplate transaction) {
        this.checks = checks;
        this.runs = runs;
        this.useCases = useCases;
        this.audit = audit;
        this.json = json;
        this.transaction = transaction;
    }

    Started start(long driftCheckId, String useCaseKey, String actor) {
        return transaction.execute(status -> {
            DriftCheck check = checks.findForUpdate(driftCheckId).orElseThrow(() -> new IllegalStateException(
                    "no drift check " + driftCheckId));
            if (check.runId() != null) {
                return new Started(check.runId(), null, Boolean.TRUE.equals(check.runStarted()));
            }
            RunService.DriftRun run = runs.queueForDrift(useCaseKey, actor, evidence(useCaseKey, check));
            checks.recordRun(driftCheckId, run.runId(), run.started());
            audit.record(actor, run.started() ? "DRIFT_RUN_STARTED" : "DRIFT_RUN_ALREADY_OPEN", "drift_check",
                    driftCheckId, run.runId(), Map.of("useCase", useCaseKey, "runId", run.runId().toString()));
            return new Started(run.runId(), run.status().name(), run.started());
        });
    }

    @Override
    public AlertedRun alert(String useCaseKey, JsonNode data, String actor) {
        UseCase useCase = useCases.findByKey(useCaseKey)
                .orElseThrow(() -> new InvalidInput("data.useCase", "Unknown use case '" + useCaseKey + "'."));
        Instant now = Instant.now();
        @SuppressWarnings("unchecked")
        Map<String, Object> alert = json.convertValue(data, Map.class);
        Signal signal = new Signal("webhook.drift-alert", "external", null, null, null, "an external monitor's "
                + "alert", true, null, "sent by " + actor, alert);
        long id = checks.insert(new DriftCheckRepository.NewCheck(useCase.id(), "WEBHOOK", null, null, null, now, now,
                0, 0, true, true, List.of(signal), 0));
        Started started = start(id, useCaseKey, actor);
        String status = started.status() != null ? started.status() : "QUEUED";
        return new AlertedRun(started.runId(), status, started.runStarted(), id);
    }

    /** What a run started by drift shows as its {@code drift}: the check, its window and its tripped signals. */
    private static Map<String, Object> evidence(String useCaseKey, DriftCheck check) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("driftCheckId", check.id());
        evidence.put("source", check.source());
        evidence.put("useCase", useCaseKey);
        evidence.put("modelVersionId", check.modelVersionId());
        evidence.put("windowStart", check.windowStart().toString());
        evidence.put("windowEnd", check.windowEnd().toString());
        evidence.put("interactions", check.interactions());
        evidence.put("tripped", check.signals().stream().filter(Signal::tripped).toList());
        evidence.put("signals", check.signals());
        evidence.put("checks", "/api/use-cases/" + useCaseKey + "/drift-checks");
        return evidence;
    }
}
