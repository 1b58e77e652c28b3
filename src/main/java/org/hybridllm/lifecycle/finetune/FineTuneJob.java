package org.hybridllm.lifecycle.finetune;

import java.util.UUID;
import org.hybridllm.lifecycle.provider.FineTuneStatus;

public record FineTuneJob(long id, UUID runId, long datasetVersionId, String provider, String baseModel,
                          String externalId, FineTuneStatus.State status, String error, String resultModelRef,
                          String servedModel) {
}
