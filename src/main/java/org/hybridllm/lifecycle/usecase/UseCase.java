package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.TaskKind;

/**
 * A task being customised (e.g. support-ticket routing) with its task kind, output contract (latest version),
 * quality target on the kind's primary metric, and provider. {@code monthlyRequests}: the volume its owner expects
 * (null: not declared); break-even uses the gateway's measured traffic instead when there is any.
 *
 * @param minimumGain the gain on the primary metric a candidate must show to be promoted (0..1); null: the
 *                    configured default {@code lifecycle.evaluation.minimum-gain}
 */
public record UseCase(long id, String key, String name, String description, TaskKind task, OutputContract contract,
                      double targetAccuracy, int minLabelledExamples, double plateauDelta, String provider,
                      String baseModel, String fineTuner, Double minimumGain,
                      Integer monthlyRequests) {

    /** The adapter that fine-tunes this use case's model: its own fine-tuner if set, else its provider. */
    public String fineTunerName() {
        return fineTuner == null ? provider : fineTuner;
    }

    public ModelTarget baseTarget() {
        return new ModelTarget(provider, baseModel, null);
    }

    /** Classification: the labels; empty for the other kinds. */
    @JsonProperty("labels")
    public List<LabelSpec> labels() {
        return contract.labels();
    }

    @JsonIgnore
    public List<String> labelNames() {
        return contract.labelNames();
    }
}
