package org.hybridllm.lifecycle.evaluate;

/** An evaluation example: an input and its expected output (a label, a JSON object's text, or a reference text). */
public record LabelledExample(String input, String expected) {
}
