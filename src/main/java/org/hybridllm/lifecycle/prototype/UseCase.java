package org.hybridllm.lifecycle.prototype;

import java.util.List;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelTarget;

/** A task being customised (e.g. support-ticket routing) with its quality target and provider. */
public record UseCase(long id, String key, String name, String description, List<LabelSpec> labels,
                      double targetAccuracy, int minLabelledExamples, double plateauDelta, String provider,
                      String baseModel) {

    public ModelTarget baseTarget() {
        return new ModelTarget(provider, baseModel, null);
    }

    public List<String> labelNames() {
        return labels.stream().map(LabelSpec::label).toList();
    }
}
