package org.hybridllm.lifecycle.provider.openai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hybridllm.lifecycle.provider.ChatMessage;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelSettings;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.ResponseFormat;
import org.hybridllm.lifecycle.provider.TaskKind;

/**
 * Chat completions on an OpenAI-compatible endpoint, for every task kind. The prompt version's chat template is
 * rendered (system messages, few-shot user / assistant turns, the input turn) and sent with its settings; for
 * classification the system message also lists the labels (with descriptions if enabled) and the answer is
 * mapped onto a label; for extraction a {@code json_schema} prompt sends the use case's schema as
 * {@code response_format} (other prompts get the schema in the system message), and the answer is returned as it
 * came: evaluation validates it, nothing is coerced; generation returns the text. A fine-tuned model is served
 * exactly as it was trained: the short prompt alone. Calls of one request run in parallel up to the endpoint's
 * concurrency.
 */
public class OpenAiChatProvider implements ModelProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final OpenAIClient client;
    private final OpenAiProperties.Endpoint endpoint;

    public OpenAiChatProvider(String name, OpenAIClient client, OpenAiProperties.Endpoint endpoint) {
        this.name = name;
        this.client = client;
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supportsChat() {
        return true;
    }

    @Override
    public List<Completion> complete(ModelRequest request) {
        String model = modelOf(request.target());
        String suffix = request.target().isFineTuned() ? null : systemSuffix(request);
        ResponseFormatJsonSchema schemaFormat = request.task() == TaskKind.EXTRACTION
                && request.prompt().responseFormat() == ResponseFormat.JSON_SCHEMA && request.outputSchema() != null
                ? jsonSchemaFormat(request.outputSchema()) : null;
        Supplier<ChatCompletionCreateParams.Builder> base = () -> {
            ChatCompletionCreateParams.Builder start = start(model, request.prompt().settings());
            if (schemaFormat != null) {
                start.responseFormat(schemaFormat);
            } else if (request.prompt().responseFormat() == ResponseFormat.JSON_OBJECT) {
                start.responseFormat(ResponseFormatJsonObject.builder().build());
            }
            return start;
        };
        if (request.inputs().size() == 1) { // a single call (the gateway): no thread hand-off
            return List.of(call(base, request, suffix, request.inputs().getFirst()));
        }
        Semaphore permits = new Semaphore(endpoint.concurrency());
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> futures = new ArrayList<>();
            for (String input : request.inputs()) {
                futures.add(calls.submit(() -> {
                    permits.acquire();
                    try {
                        return call(base, request, suffix, input);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<Completion> completions = new ArrayList<>(futures.size());
            for (Future<Completion> future : futures) {
                completions.add(future.get());
            }
            return completions;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + name, e);
        }
    }

    @Override
    public Completion chat(String model, List<ChatMessage> messages, ModelSettings settings) {
        ChatCompletionCreateParams.Builder params = start(model, settings);
        messages.forEach(message -> add(params, message));
        return send(params.build(), model, text -> text);
    }

    private ChatCompletionCreateParams.Builder start(String model, ModelSettings settings) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .temperature(settings.temperature() == null ? 0.0 : settings.temperature())
                .maxCompletionTokens(settings.maxTokens() == null ? endpoint.maxTokens() : settings.maxTokens());
    }

    private static String modelOf(ModelTarget target) {
        return target.isFineTuned() ? target.tunedModel() : target.baseModel();
    }

    /** What the first system message gains beyond the template: the labels, or the schema to answer in. */
    static String systemSuffix(ModelRequest request) {
        return switch (request.task()) {
            case CLASSIFICATION -> labelList(request.prompt(), request.labels());
            case EXTRACTION -> request.prompt().responseFormat() == ResponseFormat.JSON_SCHEMA
                    || request.outputSchema() == null ? null
                    : "Answer with one JSON object, and nothing else, that satisfies this JSON Schema:\n"
                    + request.outputSchema();
            case GENERATION -> null;
        };
    }

    private static ResponseFormatJsonSchema jsonSchemaFormat(JsonNode schema) {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        JSON.convertValue(schema, new TypeReference<Map<String, Object>>() { })
                .forEach((key, value) -> body.putAdditionalProperty(key, JsonValue.from(value)));
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("output").schema(body.build())
                        .strict(false).build())
                .build();
    }

    private static void add(ChatCompletionCreateParams.Builder params, ChatMessage message) {
        switch (message.role()) {
            case ChatMessage.SYSTEM -> params.addSystemMessage(message.content());
            case ChatMessage.ASSISTANT -> params.addAssistantMessage(message.content());
            default -> params.addUserMessage(message.content());
        }
    }

    private Completion call(Supplier<ChatCompletionCreateParams.Builder> base, ModelRequest request, String suffix,
                            String input) {
        ChatCompletionCreateParams.Builder params = base.get();
        request.prompt().conversation(input, suffix).forEach(message -> add(params, message));
        Function<String, String> output = request.task() == TaskKind.CLASSIFICATION
                ? text -> toLabel(text, request.labels()) : String::strip;
        return send(params.build(), modelOf(request.target()), output);
    }

    private Completion send(ChatCompletionCreateParams params, String model, Function<String, String> output) {
        long started = System.nanoTime();
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params);
        } catch (RuntimeException e) {
            throw OpenAiFailures.classify(name, "a chat completion with model '" + model + "'", e);
        }
        double latencyMs = (System.nanoTime() - started) / 1e6;
        String text = completion.choices().isEmpty() ? "" : completion.choices().get(0).message().content().orElse("");
        long promptTokens = completion.usage().map(u -> u.promptTokens()).orElse(0L);
        long completionTokens = completion.usage().map(u -> u.completionTokens()).orElse(0L);
        BigDecimal cost = endpoint.cost(model, promptTokens, completionTokens);
        return new Completion(output.apply(text), (int) promptTokens, (int) completionTokens, latencyMs, cost);
    }

    /**
     * Counted as OpenAI bills chat messages: each message's content in the model's encoding (o200k_base for the
     * gpt-4o / gpt-4.1 / o-series families, cl100k_base otherwise, e.g. for vLLM or Ollama models, where it is an
     * estimate) plus 3 tokens per message and 3 for the reply's priming.
     */
    @Override
    public OptionalInt promptTokens(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, String input) {
        Encoding encoding = encodingFor(modelOf(target));
        String suffix = target.isFineTuned() || labels.isEmpty() ? null : labelList(prompt, labels);
        int tokens = 3;
        for (ChatMessage message : prompt.conversation(input, suffix)) {
            tokens += 3 + encoding.countTokensOrdinary(message.content());
        }
        return OptionalInt.of(tokens);
    }

    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();

    static Encoding encodingFor(String model) {
        String base = model.startsWith("ft:") ? model.split(":")[1] : model;
        boolean o200k = base.startsWith("gpt-4o") || base.startsWith("gpt-4.1") || base.startsWith("gpt-5")
                || base.matches("o[1-9].*");
        return ENCODINGS.getEncoding(o200k ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    static String labelList(PromptSpec prompt, List<LabelSpec> labels) {
        StringBuilder list = new StringBuilder("Answer with exactly one of these categories and nothing else:");
        for (LabelSpec label : labels) {
            list.append("\n- ").append(label.label());
            if (prompt.labelDescriptions()) {
                list.append(": ").append(label.description());
            }
        }
        return list.toString();
    }

    /** The label the answer names: exact (ignoring case, spaces and punctuation), else the first label it mentions. */
    static String toLabel(String answer, List<LabelSpec> labels) {
        String normalised = normalise(answer);
        for (LabelSpec label : labels) {
            if (normalise(label.label()).equals(normalised)) {
                return label.label();
            }
        }
        for (LabelSpec label : labels) {
            if (normalised.contains(normalise(label.label()))) {
                return label.label();
            }
        }
        return answer.strip();
    }

    private static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_").replaceAll("[^a-z0-9_]", "");
    }
}
