package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.StorableText;
import org.hybridllm.lifecycle.feedback.FeedbackIngest;
import org.hybridllm.lifecycle.feedback.FeedbackItem;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's chat completions API, served for the use cases: an application points its OpenAI client's base URL at
 * {@code <app>/v1}, uses a gateway API key, and names the use case as model {@code lifecycle/<use-case-key>}
 * (or in the header {@code X-Lifecycle-Use-Case}). The last user message is the input; the use case's current
 * prompt version replaces the caller's system prompt, and its champion (or, for the canary share, its challenger)
 * answers. Sampling parameters are the use case's, not the caller's. Streaming answers the same completion as
 * server-sent chunks.
 * <p>
 * Text PostgreSQL cannot store (U+0000, an unpaired surrogate) in a chat request is served like any other, as
 * OpenAI would serve it; the interaction log then keeps the call in its quarantine instead of as an interaction
 * ({@link InteractionLog}). Feedback is stored, so there it is refused (400 naming the parameter).
 */
@RestController
@RequestMapping("/v1")
@Tag(name = "OpenAI-compatible gateway", description = "Chat completions served by a use case's champion (or"
        + " challenger), its models, and feedback on served calls; errors in OpenAI's format")
class ChatCompletionsController {

    static final String INTERACTION_HEADER = "X-Lifecycle-Interaction-Id";
    static final String USE_CASE_HEADER = "X-Lifecycle-Use-Case";
    private static final int MAX_INPUT_CHARS = 100_000;
    private static final String OWNER = "llm-lifecycle";

    private final ApiKeys keys;
    private final GatewayService gateway;
    private final UseCaseRepository useCases;
    private final FeedbackIngest feedback;
    private final InteractionLog interactions;
    private final GatewayCallRepository calls;
    private final InteractionQuarantine quarantine;
    /** Writes exactly OpenAI's shapes, nulls included (the app's mapper leaves nulls out). */
    private final ObjectMapper wire = new ObjectMapper();

    ChatCompletionsController(ApiKeys keys, GatewayService gateway, UseCaseRepository useCases,
                              FeedbackIngest feedback, InteractionLog interactions, GatewayCallRepository calls,
                              InteractionQuarantine quarantine) {
        this.keys = keys;
        this.gateway = gateway;
        this.useCases = useCases;
        this.feedback = feedback;
        this.interactions = interactions;
        this.calls = calls;
        this.quarantine = quarantine;
    }

    @PostMapping("/chat/completions")
    @Operation(summary = "Answer a chat completion with the use case's champion",
            description = "OpenAI's `POST /v1/chat/completions`, streamed or not. The response's `model` names the"
                    + " model version that answered; the headers X-Lifecycle-Interaction-Id, -Arm, -Model-Version"
                    + " and -Prompt-Version identify the call.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ChatCompletionRequest.class))))
    void complete(@RequestHeader(value = "Authorization", required = false) String authorization,
                  @RequestHeader(value = USE_CASE_HEADER, required = false) String useCaseHeader,
                  @RequestBody(required = false) byte[] body, HttpServletResponse response) throws IOException {
        ApiKeys.Caller caller = keys.authenticate(authorization);
        JsonNode request = parse(body);
        String model = text(request, "model", true);
        String useCaseKey = useCaseHeader != null && !useCaseHeader.isBlank() ? useCaseHeader.strip()
                : model.startsWith(GatewayRoutes.MODEL_PREFIX) ? model.substring(GatewayRoutes.MODEL_PREFIX.length())
                : null;
        if (useCaseKey == null || !StorableText.isStorable(useCaseKey)) { // no use case key holds a NUL
            throw GatewayError.modelNotFound(model);
        }
        String input = lastUserMessage(request);
        String user = text(request, "user", false);
        requireOneChoice(request);
        boolean stream = request.path("stream").asBoolean(false);
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        GatewayRoutes.Route route = gateway.route(caller, useCaseKey, model);
        GatewayService.Answer answer = gateway.complete(caller, route, input, user);

        response.setHeader(INTERACTION_HEADER, answer.callId().toString());
        response.setHeader("X-Lifecycle-Arm", answer.arm());
        response.setHeader("X-Lifecycle-Model-Version", answer.served().model().name());
        response.setHeader("X-Lifecycle-Prompt-Version", String.valueOf(answer.served().prompt().version()));
        String id = "chatcmpl-" + answer.callId();
        long created = Instant.now().getEpochSecond();
        // as OpenAI names the snapshot that answered an alias: the champion's or challenger's model version
        String servedModel = answer.served().model().name();
        if (stream) {
            writeStream(response, id, created, servedModel, answer, includeUsage);
        } else {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", answer.completion().output());
            message.put("refusal", null);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("message", message);
            choice.put("logprobs", null);
            choice.put("finish_reason", "stop");
            Map<String, Object> completion = envelope(id, "chat.completion", created, servedModel);
            completion.put("choices", List.of(choice));
            completion.put("usage", usage(answer));
            wire.writeValue(response.getOutputStream(), completion);
        }
    }

    /** The use cases this key may call, as models. */
    @GetMapping("/models")
    @Operation(summary = "List the use cases this key may call, as OpenAI models",
            description = "OpenAI's `GET /v1/models`: one model `lifecycle/<use-case-key>` per use case.")
    Map<String, Object> models(@RequestHeader(value = "Authorization", required = false) String authorization) {
        ApiKeys.Caller caller = keys.authenticate(authorization);
        List<Map<String, Object>> data = new ArrayList<>();
        for (UseCase useCase : useCases.findAll()) {
            if (visible(caller, useCase)) {
                data.add(model(useCase));
            }
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        return list;
    }

    /**
     * One model, as OpenAI's {@code models.retrieve}: its id is {@code lifecycle/<use-case-key>}, which OpenAI
     * clients send with the slash encoded ({@code lifecycle%2F<key>}, see {@link GatewayUrlConfiguration}).
     */
    @GetMapping("/models/{id}")
    @Operation(summary = "Retrieve one use case as an OpenAI model",
            description = "OpenAI's `GET /v1/models/{model}`; the id is `lifecycle/<use-case-key>` (its slash sent"
                    + " as `%2F` or as a path separator). An unknown id, or a use case this key may not call, is"
                    + " 404 `model_not_found`.")
    Map<String, Object> model(@RequestHeader(value = "Authorization", required = false) String authorization,
                              @PathVariable String id) {
        ApiKeys.Caller caller = keys.authenticate(authorization);
        String key = id.startsWith(GatewayRoutes.MODEL_PREFIX) ? id.substring(GatewayRoutes.MODEL_PREFIX.length())
                : null;
        if (key == null || !StorableText.isStorable(key)) { // no use case key holds a NUL
            throw GatewayError.modelNotFound(id);
        }
        return useCases.findByKey(key).filter(useCase -> visible(caller, useCase)).map(this::model)
                .orElseThrow(() -> GatewayError.modelNotFound(id));
    }

    /** The same, its id's slash sent unencoded ({@code GET /v1/models/lifecycle/<key>}, as curl users write it). */
    @Hidden
    @GetMapping("/models/{namespace}/{name}")
    Map<String, Object> model(@RequestHeader(value = "Authorization", required = false) String authorization,
                              @PathVariable String namespace, @PathVariable String name) {
        return model(authorization, namespace + "/" + name);
    }

    /** Any other path under /v1: OpenAI's "Invalid URL" 404, so that clients raise their NotFoundError. */
    @Hidden
    @RequestMapping("/**")
    void unknownPath(HttpServletRequest request) {
        throw new GatewayError(HttpStatus.NOT_FOUND, "invalid_request_error", null, null,
                "Invalid URL (" + request.getMethod() + " " + request.getRequestURI() + ")");
    }

    private static boolean visible(ApiKeys.Caller caller, UseCase useCase) {
        return caller.useCaseId() == null || caller.useCaseId() == useCase.id();
    }

    private Map<String, Object> model(UseCase useCase) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", GatewayRoutes.MODEL_PREFIX + useCase.key());
        model.put("object", "model");
        model.put("created", useCases.createdAt(useCase.id()).getEpochSecond());
        model.put("owned_by", OWNER);
        return model;
    }

    /**
     * Feedback on a served call, by the id returned in {@value #INTERACTION_HEADER}: a rating (1 / -1), the output
     * the model should have given, a comment. It joins the use case's feedback for the next dataset.
     */
    @PostMapping("/feedback")
    @Operation(summary = "Give feedback on a served call",
            description = "A rating, the output the model should have given, a comment, by the call's"
                    + " X-Lifecycle-Interaction-Id; it joins the use case's feedback for the next dataset.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = InteractionFeedbackRequest.class))))
    Map<String, Object> feedback(@RequestHeader(value = "Authorization", required = false) String authorization,
                                 @RequestBody(required = false) byte[] body) {
        ApiKeys.Caller caller = keys.authenticate(authorization);
        JsonNode request = parse(body);
        StorableText.require(request); // feedback is stored: refused naming the parameter (GatewayErrorHandler)
        UUID callId;
        try {
            callId = UUID.fromString(text(request, "interaction_id", true));
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalidRequest("interaction_id", "interaction_id must be the id returned in the "
                    + INTERACTION_HEADER + " header.");
        }
        var logged = calls.findByCallId(callId);
        if (logged.isEmpty() && interactions.awaitWritten(Duration.ofSeconds(5))) {
            logged = calls.findByCallId(callId); // it was still on its way to the log
        }
        if (logged.isEmpty()) {
            var quarantined = quarantine.useCaseOf(callId);
            if (quarantined.isPresent() && (caller.useCaseId() == null || caller.useCaseId() == quarantined.get())) {
                throw new GatewayError(HttpStatus.NOT_FOUND, "invalid_request_error", "interaction_not_logged",
                        "interaction_id", "Interaction " + callId + " was served but could not be logged (see"
                        + " interaction_quarantine), so feedback cannot be attached to it.");
            }
        }
        if (logged.isEmpty() || (caller.useCaseId() != null && caller.useCaseId() != logged.get().useCaseId())) {
            throw new GatewayError(HttpStatus.NOT_FOUND, "invalid_request_error", "interaction_not_found",
                    "interaction_id", "No interaction " + callId + " was served with this key's use cases.");
        }
        JsonNode rating = request.path("rating");
        if (!rating.isMissingNode() && !rating.isNull() && !rating.isInt()) {
            throw GatewayError.invalidRequest("rating", "rating must be 1 (good) or -1 (bad).");
        }
        String useCaseKey = useCases.get(logged.get().useCaseId()).key();
        var ingested = feedback.ingestOne(new FeedbackItem(useCaseKey, logged.get().interactionId(), null, null,
                null, null, null, rating.isInt() ? rating.asInt() : null, text(request, "corrected_output", false),
                text(request, "comment", false)), "gateway:" + caller.name());
        return Map.of("object", "feedback", "interaction_id", callId.toString(), "feedback_id",
                ingested.feedbackId());
    }

    private void writeStream(HttpServletResponse response, String id, long created, String model,
                             GatewayService.Answer answer, boolean includeUsage) throws IOException {
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        OutputStream out = response.getOutputStream();
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("role", "assistant");
        role.put("content", "");
        event(out, chunk(id, created, model, role, null));
        event(out, chunk(id, created, model, Map.of("content", answer.completion().output()), null));
        event(out, chunk(id, created, model, Map.of(), "stop"));
        if (includeUsage) {
            Map<String, Object> last = envelope(id, "chat.completion.chunk", created, model);
            last.put("choices", List.of());
            last.put("usage", usage(answer));
            event(out, last);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta,
                                      String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = envelope(id, "chat.completion.chunk", created, model);
        chunk.put("choices", List.of(choice));
        return chunk;
    }

    private void event(OutputStream out, Map<String, Object> data) throws IOException {
        out.write("data: ".getBytes(StandardCharsets.UTF_8));
        out.write(wire.writeValueAsBytes(data));
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("object", object);
        envelope.put("created", created);
        envelope.put("model", model);
        return envelope;
    }

    private static Map<String, Object> usage(GatewayService.Answer answer) {
        int prompt = answer.completion().promptTokens();
        int completion = answer.completion().completionTokens();
        return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayError.invalidRequest(null, "The request needs a JSON body.");
        }
        try {
            JsonNode node = wire.readTree(body);
            if (node == null || !node.isObject()) {
                throw GatewayError.invalidRequest(null, "The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw GatewayError.invalidRequest(null, "We could not parse the JSON body of your request.");
        }
    }

    private static String text(JsonNode request, String field, boolean required) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw GatewayError.invalidRequest(field, "Missing required parameter: '" + field + "'.");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayError.invalidRequest(field, "'" + field + "' must be a string.");
        }
        return value.asText();
    }

    /** One choice per request: the use case's champion gives one answer, so {@code n} may only be 1. */
    private static void requireOneChoice(JsonNode request) {
        JsonNode n = request.get("n");
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber()) {
            throw GatewayError.invalidRequest("n", "'n' must be an integer.");
        }
        if (!n.canConvertToLong() || n.asLong() != 1) {
            throw GatewayError.invalidRequest("n", "This gateway answers with one choice per request: 'n' must be"
                    + " 1 (got " + n.asText() + ").");
        }
    }

    /** The input: the last user message's text (a string, or the text parts of a content array). */
    private static String lastUserMessage(JsonNode request) {
        JsonNode messages = request.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayError.invalidRequest("messages", "'messages' must be a non-empty array.");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw GatewayError.invalidRequest("messages[" + i + "]", "Each message needs a 'role'.");
            }
            if (!"user".equals(message.path("role").asText())) {
                continue;
            }
            JsonNode content = message.get("content");
            String text;
            if (content != null && content.isTextual()) {
                text = content.asText();
            } else if (content != null && content.isArray()) {
                StringBuilder parts = new StringBuilder();
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                        parts.append(parts.isEmpty() ? "" : "\n").append(part.path("text").asText());
                    }
                }
                text = parts.toString();
            } else {
                throw GatewayError.invalidRequest("messages[" + i + "].content",
                        "A user message's content must be a string or an array of text parts.");
            }
            if (text.isBlank()) {
                throw GatewayError.invalidRequest("messages[" + i + "].content", "The user message is empty.");
            }
            if (text.length() > MAX_INPUT_CHARS) {
                throw GatewayError.invalidRequest("messages[" + i + "].content",
                        "The user message is longer than " + MAX_INPUT_CHARS + " characters.");
            }
            return text;
        }
        throw GatewayError.invalidRequest("messages", "The request has no user message to answer.");
    }
}
