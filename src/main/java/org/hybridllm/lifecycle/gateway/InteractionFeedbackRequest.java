package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Feedback on a served call, as the OpenAPI document shows it (the controller reads the body itself, to refuse
 * in OpenAI's error format naming the parameter).
 */
@Schema(name = "InteractionFeedbackRequest", description = "Feedback on a call the gateway served")
public record InteractionFeedbackRequest(
        @JsonProperty("interaction_id") @Schema(description = "The id the call returned in the header"
                + " X-Lifecycle-Interaction-Id", requiredMode = Schema.RequiredMode.REQUIRED) String interactionId,
        @Schema(description = "1 (good) or -1 (bad)", allowableValues = {"1", "-1"}) Integer rating,
        @JsonProperty("corrected_output") @Schema(description = "The output the model should have given",
                example = "shipping") String correctedOutput,
        @Schema(description = "Free text") String comment) {
}
