package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Run one prompt version on a batch of inputs of a use case.
 *
 * @param task         the use case's task kind
 * @param labels       classification: the labels to choose from (empty otherwise)
 * @param outputSchema extraction: the JSON Schema the output must satisfy (null otherwise)
 */
public record ModelRequest(ModelTarget target, PromptSpec prompt, TaskKind task, List<LabelSpec> labels,
                           JsonNode outputSchema, List<String> inputs) {

    public ModelRequest {
        Objects.requireNonNull(task, "task");
        labels = labels == null ? List.of() : List.copyOf(labels);
        inputs = List.copyOf(inputs);
    }

    /** A classification request. */
    public ModelRequest(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, List<String> inputs) {
        this(target, prompt, TaskKind.CLASSIFICATION, labels, null, inputs);
    }
}
