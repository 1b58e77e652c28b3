package org.hybridllm.lifecycle.model;

import org.hybridllm.lifecycle.provider.ModelTarget;

/** A registered model: the provider's base model, or a fine-tuned one with lineage to its job and dataset. */
public record ModelVersion(long id, long useCaseId, String name, Kind kind, String provider, String baseModel,
                           String externalRef, Long artifactId, Long fineTuneJobId, Long datasetVersionId) {

    public enum Kind { BASE, FINE_TUNED }

    public ModelTarget target() {
        return new ModelTarget(provider, baseModel, kind == Kind.FINE_TUNED ? externalRef : null);
    }
}
