package org.hybridllm.lifecycle.provider;

import java.util.List;

/** Run one prompt version on a batch of inputs of a classification-style use case. */
public record ModelRequest(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, List<String> inputs) {

    public ModelRequest {
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
    }
}
