package org.hybridllm.lifecycle.evaluation;

public record LabelledExample(String input, String label) {
}
