package org.hybridllm.lifecycle.usecase;

/** The chat model that grades a use case's rubric and compares outputs pairwise: a configured provider and model. */
public record JudgeSpec(String provider, String model) {
}
