package org.hybridllm.lifecycle.scoring;

import java.math.BigDecimal;

/** A judge's answer with what it took, so the caller can price and log the call like any other model call. */
public record JudgeReply(String text, int promptTokens, int completionTokens, double latencyMs, BigDecimal costUsd,
                         String provider, String model) {
}
