package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The part of OpenAI's chat completion request the gateway reads, as the OpenAPI document shows it. The
 * controller reads the body itself, so that each refusal names its parameter in OpenAI's error format; other
 * members (temperature, max_tokens, tools...) are accepted and ignored: the use case's settings apply.
 */
@Schema(name = "ChatCompletionRequest", description = "OpenAI's chat completion request, as the gateway reads it")
public record ChatCompletionRequest(
        @Schema(description = "The use case, as `lifecycle/<use-case-key>` (or any name with the header"
                + " X-Lifecycle-Use-Case)", example = "lifecycle/support-ticket-routing",
                requiredMode = Schema.RequiredMode.REQUIRED) String model,
        @Schema(description = "The conversation; the last user message is the input, the use case's prompt"
                + " version replaces any system message", requiredMode = Schema.RequiredMode.REQUIRED)
        List<Message> messages,
        @Schema(description = "The end user: the canary split is sticky per user", example = "customer-42")
        String user,
        @Schema(description = "Answer as server-sent chunks", defaultValue = "false") Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @Schema(description = "Choices to generate: only 1 (the champion gives one answer)", minimum = "1",
                maximum = "1", defaultValue = "1") Integer n) {

    @Schema(name = "ChatMessage")
    public record Message(
            @Schema(example = "user", requiredMode = Schema.RequiredMode.REQUIRED) String role,
            @Schema(description = "A string, or an array of parts of which the `text` parts are read",
                    example = "I was charged twice", oneOf = {String.class, ContentPart[].class}) Object content) {
    }

    @Schema(name = "ChatContentPart")
    public record ContentPart(@Schema(example = "text") String type, String text) {
    }

    @Schema(name = "ChatStreamOptions")
    public record StreamOptions(
            @JsonProperty("include_usage") @Schema(description = "End the stream with a usage chunk")
            Boolean includeUsage) {
    }
}
