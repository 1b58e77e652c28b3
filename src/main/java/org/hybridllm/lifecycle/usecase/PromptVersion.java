package org.hybridllm.lifecycle.usecase;

import org.hybridllm.lifecycle.provider.PromptSpec;

/** An immutable, content-addressed prompt version. PROTOTYPE prompts serve the base model; FINE_TUNED ones are
 *  the short prompts a fine-tuned model is served with. */
public record PromptVersion(long id, long useCaseId, int version, Purpose purpose, PromptSpec spec, String sha256,
                            String createdBy) {

    public enum Purpose { PROTOTYPE, FINE_TUNED }
}
