package org.hybridllm.lifecycle.finetune;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** @param hyperparameters passed to the fine-tuner as they are (e.g. epochs, learningRate, batchSize) */
@ConfigurationProperties("lifecycle.fine-tune")
public record FineTuneProperties(Map<String, Object> hyperparameters) {

    public FineTuneProperties {
        hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
    }
}
