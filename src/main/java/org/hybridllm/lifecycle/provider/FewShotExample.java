package org.hybridllm.lifecycle.provider;

public record FewShotExample(String input, String label) {
}
