package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;

/**
 * A worked example a prompt shows the model as a user turn and an assistant turn. The input is a text, or a JSON
 * object of named template variables (kept as its JSON text); the output is a label, a JSON object (extraction)
 * or a text. Prompts of classification use cases stored before task kinds name the output {@code label}.
 */
public record FewShotExample(String input, JsonNode output) {

    public FewShotExample {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    public FewShotExample(String input, String output) {
        this(input, TextNode.valueOf(output));
    }

    @JsonCreator
    static FewShotExample fromJson(@JsonProperty("input") JsonNode input,
                                   @JsonProperty("output") @JsonAlias("label") JsonNode output) {
        if (input == null || input.isNull() || output == null || output.isNull()) {
            throw new IllegalArgumentException("a few-shot example needs an input and an output");
        }
        return new FewShotExample(input.isTextual() ? input.asText() : input.toString(), output);
    }

    /** The output as the assistant turn says it: the text itself, or the object's compact JSON. */
    public String outputText() {
        return output.isTextual() ? output.asText() : output.toString();
    }
}
