package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The sampling settings a prompt version is run with; null means the provider's default (temperature 0 and the
 * endpoint's max tokens for evaluations, so that scores are reproducible).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSettings(Double temperature, Integer maxTokens) {

    public static final ModelSettings DEFAULTS = new ModelSettings(null, null);

    public ModelSettings {
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2");
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > 128_000)) {
            throw new IllegalArgumentException("maxTokens must be between 1 and 128000");
        }
    }
}
