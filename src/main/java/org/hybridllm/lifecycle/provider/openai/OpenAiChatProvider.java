package org.hybridllm.lifecycle.provider.openai;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Chat completions on an OpenAI-compatible endpoint for a classification-style use case: the prompt version
 * becomes a system message (instruction, the labels, their descriptions if enabled) and few-shot user/assistant
 * turns; the answer is mapped onto a label. Calls of one request run in parallel up to the endpoint's concurrency.
 */
public class OpenAiChatProvider implements ModelProvider {

    private final String name;
    private final OpenAIClient client;
    private final OpenAiProperties.Endpoint endpoint;
    private final Map<ConversationKey, ChatCompletionCreateParams> conversationStarts =
            new ConcurrentHashMap<>();

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
    public List<Completion> complete(ModelRequest request) {
        String model = request.target().isFineTuned() ? request.target().tunedModel() : request.target().baseModel();
        // a fine-tuned model is served exactly as it was trained: the short instruction alone (see ChatJsonl)
        String system = request.target().isFineTuned() ? request.prompt().instruction()
                : systemPrompt(request.prompt(), request.labels());
        if (request.inputs().size() == 1) { // a single call (the gateway): no thread hand-off
            return List.of(call(model, system, request, request.inputs().getFirst()));
        }
        Semaphore permits = new Semaphore(endpoint.concurrency());
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> futures = new ArrayList<>();
            for (String input : request.inputs()) {
                futures.add(calls.submit(() -> {
                    permits.acquire();
                    try {
                        return call(model, system, request, input);
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

    private record ConversationKey(String model, String system, PromptSpec prompt) {
    }

    /**
     * The messages before the input (system prompt, few-shot turns) are the same for every call with one prompt
     * version: built once (the gateway calls with one input at a time), at most a few hundred kept.
     */
    private ChatCompletionCreateParams conversationStart(String model, String system, PromptSpec prompt) {
        ConversationKey key = new ConversationKey(model, system, prompt);
        ChatCompletionCreateParams start = conversationStarts.get(key);
        if (start != null) {
            return start;
        }
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
                .model(model)
                .temperature(0.0)
                .maxCompletionTokens(endpoint.maxTokens())
                .addSystemMessage(system);
        for (FewShotExample example : prompt.fewShot()) {
            params.addUserMessage(prompt.render(example.input()));
            params.addAssistantMessage(example.label());
        }
        start = params.build();
        if (conversationStarts.size() >= 256) {
            conversationStarts.clear();
        }
        conversationStarts.put(key, start);
        return start;
    }

    private Completion call(String model, String system, ModelRequest request, String input) {
        ChatCompletionCreateParams.Builder params = conversationStart(model, system, request.prompt()).toBuilder();
        params.addUserMessage(request.prompt().render(input));
        long started = System.nanoTime();
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params.build());
        } catch (RuntimeException e) {
            throw OpenAiFailures.classify(name, "a chat completion with model '" + model + "'", e);
        }
        double latencyMs = (System.nanoTime() - started) / 1e6;
        String text = completion.choices().isEmpty() ? "" : completion.choices().get(0).message().content().orElse("");
        long promptTokens = completion.usage().map(u -> u.promptTokens()).orElse(0L);
        long completionTokens = completion.usage().map(u -> u.completionTokens()).orElse(0L);
        BigDecimal cost = endpoint.cost(model, promptTokens, completionTokens);
        return new Completion(toLabel(text, request.labels()), (int) promptTokens, (int) completionTokens, latencyMs,
                cost);
    }

    /**
     * Counted as OpenAI bills chat messages: each message's content in the model's encoding (o200k_base for the
     * gpt-4o / gpt-4.1 / o-series families, cl100k_base otherwise, e.g. for vLLM or Ollama models, where it is an
     * estimate) plus 3 tokens per message and 3 for the reply's priming.
     */
    @Override
    public OptionalInt promptTokens(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, String input) {
        String model = target.isFineTuned() ? target.tunedModel() : target.baseModel();
        Encoding encoding = encodingFor(model);
        List<String> messages = new ArrayList<>();
        messages.add(target.isFineTuned() ? prompt.instruction() : systemPrompt(prompt, labels));
        for (FewShotExample example : prompt.fewShot()) {
            messages.add(prompt.render(example.input()));
            messages.add(example.label());
        }
        messages.add(prompt.render(input));
        int tokens = 3;
        for (String message : messages) {
            tokens += 3 + encoding.countTokensOrdinary(message);
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

    static String systemPrompt(PromptSpec prompt, List<LabelSpec> labels) {
        StringBuilder system = new StringBuilder(prompt.instruction().strip());
        system.append("\nAnswer with exactly one of these categories and nothing else:");
        for (LabelSpec label : labels) {
            system.append("\n- ").append(label.label());
            if (prompt.labelDescriptions()) {
                system.append(": ").append(label.description());
            }
        }
        return system.toString();
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
