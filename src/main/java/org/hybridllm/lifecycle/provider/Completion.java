package org.hybridllm.lifecycle.provider;

import java.math.BigDecimal;

/** A model's answer to one input, with what it cost. */
public record Completion(String output, int promptTokens, int completionTokens, double latencyMs,
                         BigDecimal costUsd) {
}
