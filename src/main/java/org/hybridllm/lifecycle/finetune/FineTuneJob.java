package org.hybridllm.lifecycle.finetune;

import java.util.UUID;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.TrainingCost;

/** A fine-tuning job; {@code trainingCost} once it finished (null before, and for jobs of earlier versions). */
public record FineTuneJob(long id, UUID runId, long datasetVersionId, String provider, String baseModel,
                          String externalId, FineTuneStatus.State status, String error, String resultModelRef,
                          String servedModel, TrainingCost trainingCost) {
}
