package org.hybridllm.lifecycle.evaluate;

import org.hybridllm.lifecycle.finetune.FineTuneJobRepository;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.TrainingCost;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.springframework.stereotype.Component;

/**
 * Gathers what break-even is computed from: the candidate's training cost (its fine-tuning job), champion's and
 * candidate's per-request cost and latency from their evaluations on the same test split, the use case's volume.
 */
@Component
public class BreakEvens {

    private final EvalResults evalResults;
    private final ModelRegistry models;
    private final FineTuneJobRepository jobs;
    private final RequestVolume volumes;

    public BreakEvens(EvalResults evalResults, ModelRegistry models, FineTuneJobRepository jobs,
                      RequestVolume volumes) {
        this.evalResults = evalResults;
        this.models = models;
        this.jobs = jobs;
        this.volumes = volumes;
    }

    public BreakEven of(UseCase useCase, long championEvalRunId, long candidateEvalRunId, long candidateModelVersionId) {
        ModelVersion candidate = models.get(candidateModelVersionId);
        TrainingCost training = candidate.fineTuneJobId() == null ? null
                : jobs.get(candidate.fineTuneJobId()).trainingCost();
        if (training == null && candidate.fineTuneJobId() != null) {
            training = TrainingCost.unknown(null, "fine-tuning job " + candidate.fineTuneJobId()
                    + " recorded no training cost (it finished before costs were recorded)");
        }
        return BreakEven.of(training, evalResults.servingCost(championEvalRunId),
                evalResults.servingCost(candidateEvalRunId), volumes.monthly(useCase));
    }
}
