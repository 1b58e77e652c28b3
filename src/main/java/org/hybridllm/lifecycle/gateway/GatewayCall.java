package org.hybridllm.lifecycle.gateway;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;

/**
 * One served call, as it is logged (an interaction row).
 *
 * @param pruning what the call would have cost with the prototype prompt on the base model, when a fine-tuned
 *                model was served with its short prompt (the saving is worked out by the log writer, off the
 *                request path); null otherwise
 * @param outputValid  extraction: whether the answer satisfied the output schema (null for the other kinds)
 * @param outputErrors extraction: the schema violations, as a JSON array's text (null when valid)
 */
record GatewayCall(UUID callId, long useCaseId, long promptVersionId, long modelVersionId, String arm, long apiKeyId,
                   String user, String input, String output, int promptTokens, int completionTokens,
                   double latencyMs, BigDecimal costUsd, OffsetDateTime createdAt, Pruning pruning,
                   Boolean outputValid, String outputErrors) {

    record Pruning(String provider, ModelTarget baseModel, PromptSpec prototypePrompt, List<LabelSpec> labels) {
    }
}
