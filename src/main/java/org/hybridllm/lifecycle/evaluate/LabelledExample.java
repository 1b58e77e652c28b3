package org.hybridllm.lifecycle.evaluate;

public record LabelledExample(String input, String label) {
}
