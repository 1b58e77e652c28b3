package org.hybridllm.lifecycle.provider.local;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token-level view of the shipped all-MiniLM-L6-v2 (quantized ONNX, from the langchain4j jar): the Hugging
 * Face tokenizer's word pieces with their character offsets in the input, and the encoder's last hidden state
 * (384-d) for each of them. The sentence-transformers pooling (mean over all positions, L2-normalised) gives the
 * same sentence embedding as {@link MiniLmEmbeddings}. Texts longer than one window are encoded window by window.
 * The ONNX session runs on one thread, so results are bit-for-bit repeatable and the shared CPUs stay free.
 */
class MiniLmTokenStates implements AutoCloseable {

    static final int DIMENSION = MiniLmEmbeddings.DIMENSION;
    /** sentence-transformers trained all-MiniLM-L6-v2 on sequences of at most 256 positions. */
    static final int WINDOW = 256;
    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final int CACHE_SIZE = 5_000;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;
    private final boolean wantsTokenTypes;
    private final Map<String, Encoded> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Encoded> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /**
     * A text's word pieces (special tokens excluded): piece i covers characters [start[i], end[i]) of the text and
     * belongs to word wordIds[i]; states[i] is its hidden state; pooled is the sentence embedding.
     */
    record Encoded(String text, String[] pieces, int[] start, int[] end, int[] wordIds, float[][] states,
                   float[] pooled) {
        int size() {
            return pieces.length;
        }
    }

    MiniLmTokenStates() {
        try (InputStream model = resource(MODEL_RESOURCE); InputStream tokenizerJson = resource(TOKENIZER_RESOURCE);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            environment = OrtEnvironment.getEnvironment();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = environment.createSession(model.readAllBytes(), options);
            // the shipped tokenizer.json pads and truncates to 128; windows are cut here instead
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
            long[] specials = tokenizer.encode("", true, false).getIds();
            clsId = specials[0];
            sepId = specials[specials.length - 1];
            wantsTokenTypes = session.getInputNames().contains("token_type_ids");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MiniLM model from the classpath", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the MiniLM ONNX model", e);
        }
    }

    /** Word pieces the model reads for a text, special tokens excluded (as {@link MiniLmEmbeddings} counts). */
    int tokens(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    Encoded encode(String text) {
        synchronized (cache) {
            Encoded cached = cache.get(text);
            if (cached != null) {
                return cached;
            }
        }
        Encoded encoded = encodeUncached(text);
        synchronized (cache) {
            cache.put(text, encoded);
        }
        return encoded;
    }

    private Encoded encodeUncached(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        int n = ids.length;
        int[] start = new int[n];
        int[] end = new int[n];
        CharSpan[] spans = encoding.getCharTokenSpans();
        for (int i = 0; i < n; i++) {
            start[i] = spans[i] == null ? 0 : spans[i].getStart();
            end[i] = spans[i] == null ? 0 : spans[i].getEnd();
        }
        int[] wordIds = Arrays.stream(encoding.getWordIds()).mapToInt(w -> (int) w).toArray();
        float[][] states = new float[n][];
        double[] pooled = new double[DIMENSION];
        int pooledCount = 0;
        int perWindow = WINDOW - 2;
        int from = 0;
        do {
            int to = Math.min(from + perWindow, n);
            float[][] window = run(ids, from, to);
            for (int p = 0; p < window.length; p++) {
                if (p > 0 && p < window.length - 1) {
                    states[from + p - 1] = window[p];
                }
                for (int d = 0; d < DIMENSION; d++) {
                    pooled[d] += window[p][d];
                }
            }
            pooledCount += window.length;
            from = to;
        } while (from < n);
        float[] mean = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            mean[d] = (float) (pooled[d] / pooledCount);
        }
        return new Encoded(text, encoding.getTokens(), start, end, wordIds, states,
                MiniLmEmbeddings.normalise(mean));
    }

    /** The last hidden state of [CLS] ids[from..to) [SEP]: one 384-d row per position. */
    private float[][] run(long[] ids, int from, int to) {
        int length = to - from + 2;
        long[] input = new long[length];
        input[0] = clsId;
        System.arraycopy(ids, from, input, 1, to - from);
        input[length - 1] = sepId;
        long[] mask = new long[length];
        Arrays.fill(mask, 1);
        long[] shape = {1, length};
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(input), shape);
             OnnxTensor attention = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor types = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[length]), shape)) {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put("input_ids", inputIds);
            inputs.put("attention_mask", attention);
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", types);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                return hidden[0];
            }
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM inference failed", e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmTokenStates.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath");
        }
        return in;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
    }
}
