package org.hybridllm.lifecycle.finetune;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.Map;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import io.camunda.client.exception.CamundaError;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.stage.BusinessFailure;
import org.springframework.stereotype.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Stage "fine-tune", step 2, polled from a timer loop in BPMN (no worker thread waits on the trainer): asks the
 * fine-tuner for the job's state and records it. Naturally idempotent, so it is not a once-per-run stage.
 */
@Component
public class CheckFineTuneStatusWorker {

    public record FineTuneChecked(String fineTuneState, String failureReason) {
    }

    private final FineTuneJobRepository jobs;
    private final ProviderRegistry providers;
    private final AuditLog audit;
    private final FineTuneEventRepository events;

    public CheckFineTuneStatusWorker(FineTuneJobRepository jobs, ProviderRegistry providers, AuditLog audit,
                                     FineTuneEventRepository events) {
        this.events = events;
        this.jobs = jobs;
        this.providers = providers;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.finetune.check-status", fetchVariables = "fineTuneJobId")
    public FineTuneChecked check(@Variable("fineTuneJobId") long fineTuneJobId) {
        FineTuneJob job = jobs.get(fineTuneJobId);
        if (job.status().isFinished()) {
            return new FineTuneChecked(job.status().name(), job.error());
        }
        FineTuneStatus status;
        try {
            status = providers.fineTuner(job.provider()).status(job.externalId());
        } catch (RuntimeException e) {
            if (e instanceof BusinessFailure business) {
                audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "fine_tune_job", job.id(), job.runId(),
                        Map.of("errorCode", business.errorCode(), "message", business.getMessage()));
                throw CamundaError.bpmnError(business.errorCode(), business.getMessage());
            }
            throw e; // transient: the job is retried with the client's default backoff
        }
        status = withLossCurve(status, job);
        if (!jobs.update(job.id(), status)) {
            FineTuneJob finished = jobs.get(job.id()); // cancelled while the provider was being asked
            return new FineTuneChecked(finished.status().name(), finished.error());
        }
        if (status.isFinished()) {
            audit.record(AuditLog.SYSTEM, "FINE_TUNE_" + status.state().name(), "fine_tune_job", job.id(),
                    job.runId(), status.error() == null ? Map.of() : Map.of("error", status.error()));
        }
        String reason = status.error() == null ? null : "Fine-tuning failed: " + status.error();
        if (status.state() == FineTuneStatus.State.FAILED || status.state() == FineTuneStatus.State.CANCELLED) {
            // the stage ends through an error end event, which carries no variables: the run's finish reads this
            audit.record(AuditLog.SYSTEM, "STAGE_FAILED", "fine_tune_job", job.id(), job.runId(), Map.of(
                    "errorCode", "FINE_TUNE_FAILED",
                    "message", reason != null ? reason : "Fine-tuning " + status.state().name().toLowerCase()));
        }
        return new FineTuneChecked(status.state().name(), reason);
    }

    /** The training loss curve as recorded so far (fine_tune_event), unless the fine-tuner reported its own. */
    private FineTuneStatus withLossCurve(FineTuneStatus status, FineTuneJob job) {
        if (status.metrics() != null && status.metrics().containsKey("lossCurve")) {
            return status;
        }
        List<List<Number>> curve = new ArrayList<>();
        List<List<Number>> evalCurve = new ArrayList<>();
        for (var event : events.events(job.provider(), job.externalId())) {
            if (event.step() != null && event.trainLoss() != null) {
                curve.add(List.of(event.step(), event.trainLoss()));
            }
            if (event.step() != null && event.evalLoss() != null) {
                evalCurve.add(List.of(event.step(), event.evalLoss()));
            }
        }
        if (curve.isEmpty() && evalCurve.isEmpty()) {
            return status;
        }
        Map<String, Object> metrics = new LinkedHashMap<>(status.metrics() == null ? Map.of()
                : status.metrics());
        metrics.put("lossCurve", curve);
        metrics.put("evalLossCurve", evalCurve);
        return new FineTuneStatus(status.state(), metrics, status.modelRef(), status.error(), status.servedModel(),
                status.trainingCost());
    }
}
