package org.hybridllm.lifecycle.provider;

/** One output class of a classification-style use case, with the description a prompt can show the model. */
public record LabelSpec(String label, String description) {
}
