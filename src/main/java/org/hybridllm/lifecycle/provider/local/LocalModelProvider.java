package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ComputeTime;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;

import org.springframework.stereotype.Component;

/**
 * The offline provider, for every task kind, on the shipped MiniLM model.
 * <ul>
 * <li>Classification. With the base model, a prompt version classifies by embedding similarity: each label is
 * represented by the embedding of the prompt's instruction + label (+ description), averaged with its few-shot
 * examples, and an input gets the most similar label. With a fine-tuned model, the trained head classifies the
 * embedding of the input rendered with the (short) prompt.</li>
 * <li>Extraction ({@link LocalExtraction}): the prompt-only baseline matches the input's tokens against the
 * prompt's few-shot examples; a fine-tuned model tags spans on the token states and picks enum values with
 * sentence-level heads. The answer is the JSON object's text.</li>
 * <li>Generation ({@link LocalReplySelection}): response selection among known replies — the prompt's few-shot
 * answers for the baseline (ranked by raw similarity to the input), the training split's ideal outputs for a
 * fine-tuned model (ranked through a contrastively trained projection). It selects, it does not write: free-form
 * generation needs a chat model server.</li>
 * </ul>
 */
@Component
public class LocalModelProvider implements ModelProvider {

    public static final String NAME = "local";

    private final MiniLmEmbeddings embeddings;
    private final LocalExtraction extraction;
    private final LocalReplySelection replies;
    private final ObjectMapper json;
    private static final int MAX_CACHED_PROMPTS = 256;
    private final Map<String, SoftmaxHead> heads = new ConcurrentHashMap<>();
    private final Map<AnchorKey, Anchors> anchorCache = new ConcurrentHashMap<>();

    private final BigDecimal computeHourUsd;

    public LocalModelProvider(MiniLmEmbeddings embeddings, LocalExtraction extraction, LocalReplySelection replies,
                              ObjectMapper json, LocalComputeProperties compute) {
        this.computeHourUsd = compute.computeHourUsd();
        this.embeddings = embeddings;
        this.extraction = extraction;
        this.replies = replies;
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Completion> complete(ModelRequest request) {
        return switch (request.task()) {
            case CLASSIFICATION -> request.target().isFineTuned() ? withHead(request) : byPromptSimilarity(request);
            case EXTRACTION -> each(request, extractor(request), extraction::tokens);
            case GENERATION -> each(request, replier(request), replies::tokens);
        };
    }

    private Function<String, String> extractor(ModelRequest request) {
        if (request.target().isFineTuned()) {
            String weights = request.target().tunedModel();
            return input -> extraction.extract(weights, input).toString();
        }
        List<LocalExtraction.Shot> shots = request.prompt().fewShot().stream()
                .map(shot -> new LocalExtraction.Shot(shot.input(), shot.output())).toList();
        return input -> extraction.baseline(request.outputSchema(), shots, input).toString();
    }

    private Function<String, String> replier(ModelRequest request) {
        if (request.target().isFineTuned()) {
            String weights = request.target().tunedModel();
            return input -> replies.select(weights, input);
        }
        List<LocalReplySelection.Shot> shots = request.prompt().fewShot().stream()
                .map(shot -> new LocalReplySelection.Shot(shot.input(), shot.outputText())).toList();
        if (shots.isEmpty()) {
            // local generation selects among the prompt's few-shot answers: without any there is nothing to
            // choose, and the empty answer is scored as the miss it is
            return input -> "";
        }
        return input -> replies.baseline(shots, input);
    }

    /**
     * One call per input; tokens are the input's, counted by the model that read it (the local models read the
     * input, not a rendered prompt).
     */
    private List<Completion> each(ModelRequest request, Function<String, String> answer,
                                  ToIntFunction<String> tokens) {
        List<Completion> completions = new ArrayList<>(request.inputs().size());
        for (String input : request.inputs()) {
            long started = System.nanoTime();
            String output = answer.apply(input);
            completions.add(completion(output, tokens.applyAsInt(input), started));
        }
        return completions;
    }

    /** A local answer: one output token (a choice), its latency, and that latency priced at the compute rate. */
    private Completion completion(String output, int promptTokens, long startedNanos) {
        double latencyMs = (System.nanoTime() - startedNanos) / 1e6;
        return new Completion(output, promptTokens, 1, latencyMs, ComputeTime.cost(latencyMs, computeHourUsd));
    }

    /** The label anchors of a prompt version and how many tokens embedding them took. */
    private record Anchors(List<float[]> vectors, int tokens) {
    }

    private record AnchorKey(PromptSpec prompt, List<LabelSpec> labels) {
    }

    private List<Completion> byPromptSimilarity(ModelRequest request) {
        PromptSpec prompt = request.prompt();
        List<LabelSpec> labels = request.labels();
        Anchors cachedAnchors = anchors(prompt, labels);
        List<float[]> anchors = cachedAnchors.vectors();
        int promptOverheadTokens = cachedAnchors.tokens();
        List<Completion> completions = new ArrayList<>(request.inputs().size());
        for (String input : request.inputs()) {
            long started = System.nanoTime();
            MiniLmEmbeddings.Embedded x = embeddings.embed(prompt.render(input));
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < anchors.size(); k++) {
                double score = MiniLmEmbeddings.dot(x.vector(), anchors.get(k));
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
            completions.add(completion(labels.get(best).label(), x.tokens() + promptOverheadTokens, started));
        }
        return completions;
    }

    /**
     * A prompt's label anchors are the same for every input: computed once per prompt version and label set (the
     * gateway serves one input per call), a few hundred at most.
     */
    private Anchors anchors(PromptSpec prompt, List<LabelSpec> labels) {
        AnchorKey key = new AnchorKey(prompt, List.copyOf(labels));
        Anchors cached = anchorCache.get(key);
        if (cached != null) {
            return cached;
        }
        List<float[]> vectors = new ArrayList<>();
        int tokens = 0;
        for (LabelSpec label : labels) {
            List<String> texts = new ArrayList<>();
            texts.add(prompt.describe(label));
            for (FewShotExample shot : prompt.fewShot()) {
                if (shot.outputText().equals(label.label())) {
                    texts.add(prompt.render(shot.input()));
                }
            }
            float[] anchor = new float[MiniLmEmbeddings.DIMENSION];
            for (MiniLmEmbeddings.Embedded e : embeddings.embed(texts)) {
                tokens += e.tokens();
                for (int d = 0; d < anchor.length; d++) {
                    anchor[d] += e.vector()[d];
                }
            }
            vectors.add(MiniLmEmbeddings.normalise(anchor));
        }
        Anchors anchors = new Anchors(List.copyOf(vectors), tokens);
        if (anchorCache.size() >= MAX_CACHED_PROMPTS) {
            anchorCache.clear();
        }
        anchorCache.put(key, anchors);
        return anchors;
    }

    /** What the model reads: the rendered input, plus (prompted, not tuned) the label anchors' texts. */
    @Override
    public OptionalInt promptTokens(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, String input) {
        int inputTokens = embeddings.embed(prompt.render(input)).tokens();
        return OptionalInt.of(target.isFineTuned() ? inputTokens : inputTokens + anchors(prompt, labels).tokens());
    }

    private List<Completion> withHead(ModelRequest request) {
        SoftmaxHead head = heads.computeIfAbsent(request.target().tunedModel(), this::load);
        List<Completion> completions = new ArrayList<>(request.inputs().size());
        for (String input : request.inputs()) {
            long started = System.nanoTime();
            MiniLmEmbeddings.Embedded x = embeddings.embed(request.prompt().render(input));
            completions.add(completion(head.predictLabel(x.vector()), x.tokens(), started));
        }
        return completions;
    }

    private SoftmaxHead load(String uri) {
        try {
            return json.readValue(Path.of(URI.create(uri)).toFile(), SoftmaxHead.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load fine-tuned head " + uri, e);
        }
    }
}
