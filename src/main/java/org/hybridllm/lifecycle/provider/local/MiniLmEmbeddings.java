package org.hybridllm.lifecycle.provider.local;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.scoring.TextEmbedder;
import org.springframework.stereotype.Component;

/**
 * The local model: all-MiniLM-L6-v2 (quantized ONNX, shipped inside a Maven jar, runs on the CPU, offline).
 * Embeddings are L2-normalised, so a dot product is the cosine similarity. Recently used texts are cached:
 * evaluation runs embed the same inputs for several prompt versions.
 */
@Component
public class MiniLmEmbeddings implements TextEmbedder {

    public static final String MODEL_NAME = "all-minilm-l6-v2-q";
    public static final int DIMENSION = 384;
    private static final int CACHE_SIZE = 20_000;

    private volatile AllMiniLmL6V2QuantizedEmbeddingModel model;
    private final Map<String, Embedded> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Embedded> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** A text's embedding and its token count. */
    public record Embedded(float[] vector, int tokens) {
    }

    public List<Embedded> embed(List<String> texts) {
        List<Embedded> result = new ArrayList<>(texts.size());
        LinkedHashSet<String> missing = new LinkedHashSet<>();
        synchronized (cache) {
            for (String text : texts) {
                if (!cache.containsKey(text)) {
                    missing.add(text);
                }
            }
        }
        for (String text : missing) {
            // one text per call, so the token usage the model reports is that text's own
            Embedded embedded = embedUncached(text);
            synchronized (cache) {
                cache.put(text, embedded);
            }
        }
        synchronized (cache) {
            for (String text : texts) {
                Embedded embedded = cache.get(text);
                if (embedded == null) { // evicted meanwhile by a concurrent caller
                    embedded = embedUncached(text);
                }
                result.add(embedded);
            }
        }
        return result;
    }

    public Embedded embed(String text) {
        return embed(List.of(text)).get(0);
    }

    @Override
    public float[] vector(String text) {
        return embed(text).vector();
    }

    private Embedded embedUncached(String text) {
        Response<List<Embedding>> response = model().embedAll(List.of(TextSegment.from(text)));
        int tokens = response.tokenUsage() == null || response.tokenUsage().inputTokenCount() == null
                ? 0 : response.tokenUsage().inputTokenCount();
        return new Embedded(normalise(response.content().get(0).vector()), tokens);
    }

    private AllMiniLmL6V2QuantizedEmbeddingModel model() {
        AllMiniLmL6V2QuantizedEmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                if (model == null) {
                    model = new AllMiniLmL6V2QuantizedEmbeddingModel();
                }
                loaded = model;
            }
        }
        return loaded;
    }

    static float[] normalise(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (vector[i] / norm);
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
