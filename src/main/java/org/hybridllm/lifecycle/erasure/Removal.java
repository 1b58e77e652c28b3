package org.hybridllm.lifecycle.erasure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hybridllm.lifecycle.dataset.DatasetErasure;
import org.hybridllm.lifecycle.evaluate.EvaluationErasure;
import org.hybridllm.lifecycle.feedback.PersonalData;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.springframework.stereotype.Component;

/**
 * Removes rows everywhere they live, in the caller's transaction: out of every dataset version built from them
 * (tainted, files rewritten), out of the evaluations on those versions' test splits (redacted), models trained on
 * those versions tainted, then the rows themselves deleted. The same for an erasure and a retention pass.
 */
@Component
class Removal {

    /** The counts, and the use cases whose champion is tainted now. */
    record Removed(ErasureCounts counts, Set<Long> taintedChampionUseCases) {
    }

    private final DatasetErasure datasets;
    private final EvaluationErasure evaluations;
    private final ModelRegistry models;
    private final PersonalData personalData;

    Removal(DatasetErasure datasets, EvaluationErasure evaluations, ModelRegistry models, PersonalData personalData) {
        this.datasets = datasets;
        this.evaluations = evaluations;
        this.models = models;
        this.personalData = personalData;
    }

    /** Call first in the transaction: dataset builds in flight finish, new ones wait for the commit. */
    void lockOutBuilds() {
        datasets.lockOutBuilds();
    }

    Removed remove(PersonalData.Rows rows, String reason, String actor) {
        if (rows.isEmpty()) {
            return new Removed(ErasureCounts.NONE, Set.of());
        }
        DatasetErasure.Removal removal = datasets.removeFeedback(rows.feedbackIds(), reason, actor);
        int examplesRedacted = 0;
        for (var removed : removal.removedTestInputs().entrySet()) {
            examplesRedacted += evaluations.redactTestSplitExamples(removed.getKey(), removed.getValue());
        }
        List<ModelVersion> tainted = models.taintTrainedOn(removal.datasetVersionIds());
        Set<Long> champions = new LinkedHashSet<>();
        List<Long> championIds = new ArrayList<>();
        for (ModelVersion model : tainted) {
            models.alias(model.useCaseId(), ModelAlias.CHAMPION)
                    .filter(alias -> alias.modelVersionId() == model.id())
                    .ifPresent(alias -> {
                        champions.add(model.useCaseId());
                        championIds.add(model.id());
                    });
        }
        personalData.delete(rows);
        return new Removed(new ErasureCounts(rows.interactionIds().length, rows.feedbackIds().length,
                removal.datasetVersionIds().size(), removal.filesRewritten(), removal.filesDeleted(),
                removal.rowsRemoved(), examplesRedacted, tainted.size(), championIds.size()), champions);
    }
}
