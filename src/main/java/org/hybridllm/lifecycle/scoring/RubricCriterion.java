package org.hybridllm.lifecycle.scoring;

/** A pass/fail statement about a reply that the llm-rubric judge grades, e.g. "apologises once, not more". */
public record RubricCriterion(String name, String criterion) {
}
