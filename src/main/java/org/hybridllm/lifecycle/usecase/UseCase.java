package org.hybridllm.lifecycle.usecase;

import java.util.List;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelTarget;

/** A task being customised (e.g. support-ticket routing) with its quality target and provider. */
public record UseCase(long id, String key, String name, String description, List<LabelSpec> labels,
                      double targetAccuracy, int minLabelledExamples, double plateauDelta, String provider,
                      String baseModel, String fineTuner) {

    /** The adapter that fine-tunes this use case's model: its own fine-tuner if set, else its provider. */
    public String fineTunerName() {
        return fineTuner == null ? provider : fineTuner;
    }

    public ModelTarget baseTarget() {
        return new ModelTarget(provider, baseModel, null);
    }

    public List<String> labelNames() {
        return labels.stream().map(LabelSpec::label).toList();
    }
}
