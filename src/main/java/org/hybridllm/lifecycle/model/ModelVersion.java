package org.hybridllm.lifecycle.model;

import org.hybridllm.lifecycle.provider.ModelTarget;

/**
 * A registered model: the provider's base model, or a fine-tuned one with lineage to its job and dataset.
 * {@code tainted}: trained on a dataset version that held erased rows (right to erasure, retention); it cannot be
 * promoted, and as champion it is flagged until a retrained model replaces it.
 */
public record ModelVersion(long id, long useCaseId, String name, Kind kind, String provider, String baseModel,
                           String externalRef, Long artifactId, Long fineTuneJobId, Long datasetVersionId,
                           boolean tainted) {

    public enum Kind { BASE, FINE_TUNED }

    public ModelTarget target() {
        return new ModelTarget(provider, baseModel, kind == Kind.FINE_TUNED ? externalRef : null);
    }
}
