package org.hybridllm.lifecycle.provider;

import java.util.List;
import java.util.Objects;

/**
 * A prompt version's content.
 *
 * @param instruction       what the model is asked to do
 * @param inputTemplate     how an input is rendered; must contain {@code {{input}}}
 * @param labelDescriptions whether the label descriptions are part of the prompt
 * @param fewShot           worked examples shown to the model
 */
public record PromptSpec(String instruction, String inputTemplate, boolean labelDescriptions,
                         List<FewShotExample> fewShot) {

    public static final String INPUT_PLACEHOLDER = "{{input}}";

    public PromptSpec {
        Objects.requireNonNull(instruction, "instruction");
        if (inputTemplate == null || !inputTemplate.contains(INPUT_PLACEHOLDER)) {
            throw new IllegalArgumentException("inputTemplate must contain " + INPUT_PLACEHOLDER);
        }
        fewShot = fewShot == null ? List.of() : List.copyOf(fewShot);
    }

    public String render(String input) {
        return inputTemplate.replace(INPUT_PLACEHOLDER, input);
    }

    /** The text a model sees for a label: the instruction, the label and (if enabled) its description. */
    public String describe(LabelSpec label) {
        String text = instruction + " Category: " + label.label().replace('_', ' ') + ".";
        return labelDescriptions ? text + " " + label.description() : text;
    }
}
