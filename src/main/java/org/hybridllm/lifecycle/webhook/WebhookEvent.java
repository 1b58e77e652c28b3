package org.hybridllm.lifecycle.webhook;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * A webhook event, as the OpenAPI document shows it. The controller reads the raw body itself: the signature is
 * over its exact bytes.
 */
@Schema(name = "WebhookEvent", description = "A signed event; `data` depends on its type (see the README)")
public record WebhookEvent(
        @Schema(description = "The event type", requiredMode = Schema.RequiredMode.REQUIRED,
                allowableValues = {"run.start", "drift.alert", "feedback.batch", "fine_tune.callback"})
        String type,
        @Schema(description = "The sender's event id: the idempotency key when no Idempotency-Key header is sent",
                example = "evt-1") String id,
        @Schema(description = "run.start, drift.alert: {useCase}; feedback.batch: {useCase, items}; "
                + "fine_tune.callback: {jobId, status}", example = "{\"useCase\": \"support-ticket-routing\"}")
        Map<String, Object> data) {
}
