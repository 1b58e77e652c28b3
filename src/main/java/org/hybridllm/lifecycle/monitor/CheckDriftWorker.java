package org.hybridllm.lifecycle.monitor;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Component;

/**
 * {@code lifecycle.monitor.check}: one drift check of the use case over the traffic since the last evaluated
 * window, recorded as a drift_check row. Idempotent: a retried job (same job key) returns the row recorded first.
 * The instance stops ({@code active} false) when monitoring is off, the use case has no champion, or another
 * instance watches it now.
 */
@Component
public class CheckDriftWorker {

    private static final Logger log = LoggerFactory.getLogger(CheckDriftWorker.class);

    public record CheckInput(String useCaseKey) {
    }

    /** @param monitorInterval the wait before the next check (ISO-8601): a changed setting applies from here */
    public record CheckOutput(Long driftCheckId, boolean tripped, boolean active, String monitorInterval) {
    }

    private final DriftCheckRepository checks;
    private final DriftChecker checker;
    private final Monitors monitors;
    private final UseCaseRepository useCases;
    private final ModelRegistry models;
    private final MonitorProperties properties;

    CheckDriftWorker(DriftCheckRepository checks, DriftChecker checker, Monitors monitors, UseCaseRepository useCases,
                     ModelRegistry models, MonitorProperties properties) {
        this.checks = checks;
        this.checker = checker;
        this.monitors = monitors;
        this.useCases = useCases;
        this.models = models;
        this.properties = properties;
    }

    @JobWorker(type = "lifecycle.monitor.check")
    public CheckOutput check(ActivatedJob job, @VariablesAsType CheckInput input) {
        Optional<DriftCheck> recorded = checks.byJob(job.getKey());
        Optional<UseCase> useCase = useCases.findByKey(input.useCaseKey());
        Optional<DriftCheckRepository.Monitor> monitor = useCase.flatMap(u -> checks.monitor(u.id()));
        String interval = monitors.interval(monitor.orElse(null)).toString();
        if (recorded.isPresent()) {
            return new CheckOutput(recorded.get().id(), recorded.get().tripped(), true, interval);
        }
        long instance = job.getProcessInstanceKey();
        if (useCase.isEmpty() || monitor.isEmpty() || monitor.get().processInstanceKey() == null
                || monitor.get().processInstanceKey() != instance) {
            return new CheckOutput(null, false, false, interval); // not (or no longer) the instance watching it
        }
        Optional<ModelAlias> champion = models.alias(useCase.get().id(), ModelAlias.CHAMPION);
        if (!properties.enabled() || !monitor.get().enabled() || champion.isEmpty()) {
            checks.detachInstance(useCase.get().id(), instance);
            return new CheckOutput(null, false, false, interval);
        }
        ModelVersion model = models.get(champion.get().modelVersionId());
        Instant to = Instant.now();
        // since the last evaluated window (one with too little traffic is covered again), else since monitoring began
        Instant from = checks.lastEvaluatedEnd(useCase.get().id())
                .orElse(monitor.get().startedAt() == null ? to : monitor.get().startedAt().toInstant());
        long started = System.nanoTime();
        DriftChecker.Result result;
        try {
            result = checker.check(useCase.get(), model, from, to);
        } catch (DataAccessException e) {
            throw e; // the database: the job's retries (and its incident) are the right answer
        } catch (RuntimeException e) {
            // anything else (the model, a judge) must not stop the monitor: recorded, and the next check tries again
            log.warn("Drift check of use case {} failed; recorded as not evaluated", input.useCaseKey(), e);
            result = new DriftChecker.Result(0, 0, false, List.of(Signal.noData("check", "traffic",
                    "the check failed: " + e)));
        }
        long id = checks.insert(new DriftCheckRepository.NewCheck(useCase.get().id(), "MONITOR", job.getKey(),
                instance, model.id(), from, to, result.interactions(), result.sampled(), result.evaluated(),
                result.tripped(), result.signals(), (System.nanoTime() - started) / 1_000_000));
        return new CheckOutput(id, result.tripped(), true, interval);
    }
}
