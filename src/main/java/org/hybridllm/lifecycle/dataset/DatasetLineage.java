package org.hybridllm.lifecycle.dataset;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Where a dataset version came from and what came of it: the feedback and interactions it was built from (counts
 * per split and per prompt version; the rows themselves are listed by GET /api/feedback?run=), its split files,
 * and the fine-tuning jobs, models and champion changes that trace back to it.
 */
public record DatasetLineage(DatasetVersion dataset, String useCase, UUID runId, String runStatus,
                             List<SplitFile> files, long feedbackRows, long interactions,
                             List<PromptVersionCount> byPromptVersion, List<FineTuneJobRef> fineTuneJobs,
                             List<ModelRef> models, List<AliasChange> aliasChanges) {

    public record SplitFile(String split, long artifactId, String sha256, long bytes, int rows, long feedbackRows,
                            String download) {
    }

    /** {@code promptVersion} is null for interactions recorded without one. */
    public record PromptVersionCount(Integer promptVersion, long feedbackRows) {
    }

    public record FineTuneJobRef(long id, UUID runId, String provider, String externalId, String status) {
    }

    public record ModelRef(long id, String name, String kind, String externalRef, Long artifactId) {
    }

    public record AliasChange(String alias, long modelVersionId, String changedBy, UUID runId,
                              OffsetDateTime changedAt) {
    }
}
