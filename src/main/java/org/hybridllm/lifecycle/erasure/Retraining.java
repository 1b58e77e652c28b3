package org.hybridllm.lifecycle.erasure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Component;

/**
 * Retraining after a champion was tainted: a normal lifecycle run (its dataset is built from the rows as they are
 * now, so without the erased ones), never a second one while the use case has a run open.
 */
@Component
class Retraining {

    /**
     * A use case's retraining: the run started now ({@code started}) or the one already open; {@code runId} null
     * when none was started (automatic retraining off).
     */
    record Retrain(String useCase, boolean championTainted, UUID runId, boolean started) {
    }

    private final RunService runs;
    private final UseCaseRepository useCases;
    private final ModelRegistry models;
    private final ErasureProperties properties;

    Retraining(RunService runs, UseCaseRepository useCases, ModelRegistry models, ErasureProperties properties) {
        this.runs = runs;
        this.useCases = useCases;
        this.models = models;
        this.properties = properties;
    }

    /** One call: a run of the use case, or the open one. */
    Retrain retrain(String useCaseKey, String actor, String reason) {
        UseCase useCase = useCases.require(useCaseKey);
        boolean tainted = models.taintedChampion(useCase.id()).isPresent();
        Optional<LifecycleRun> started = runs.startUnlessOpen(useCaseKey, actor, reason);
        if (started.isPresent()) {
            return new Retrain(useCaseKey, tainted, started.get().id(), true);
        }
        UUID open = runs.openRuns(useCase.id()).stream().findFirst().map(LifecycleRun::id).orElse(null);
        return new Retrain(useCaseKey, tainted, open, false);
    }

    /**
     * After rows were removed: for each use case whose champion is tainted, its retraining run when
     * {@code lifecycle.erasure.auto-retrain} is on, else what is open (the caller retrains with one call).
     */
    List<Retrain> afterRemoval(Collection<Long> taintedChampionUseCases, String reason) {
        List<Retrain> result = new ArrayList<>();
        for (long useCaseId : taintedChampionUseCases) {
            String key = useCases.get(useCaseId).key();
            if (properties.autoRetrain()) {
                result.add(retrain(key, AuditLog.SYSTEM, reason));
            } else {
                UUID open = runs.openRuns(useCaseId).stream().findFirst().map(LifecycleRun::id).orElse(null);
                result.add(new Retrain(key, true, open, false));
            }
        }
        return result;
    }
}
