package org.hybridllm.lifecycle.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hybridllm.lifecycle.provider.local.MiniLmEmbeddings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The local model's throughput: our {@link MiniLmEmbeddings} (via langchain4j, one text per call for its token
 * count, cache misses only) against ONNX Runtime called directly on the same texts (the model's own tokenizer,
 * one session run per text, mean pooling and normalisation written out here). One operation embeds
 * {@value #BATCH} texts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EmbeddingsJmh {

    static final int BATCH = 16;
    private static final int POOL = 100_000; // more distinct texts than our cache holds: every call misses it

    private final List<String> texts = new ArrayList<>(POOL);
    private int next;
    private MiniLmEmbeddings ours;
    private OrtEnvironment environment;
    private OrtSession session;
    private HuggingFaceTokenizer tokenizer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String[] subjects = {"invoice", "refund", "password", "delivery", "subscription", "account", "order",
                "card", "address", "warranty"};
        String[] problems = {"was charged twice", "never arrived", "cannot be reset", "is wrong", "was cancelled",
                "is locked", "shows the old price", "expired", "is missing an item", "needs to change"};
        for (int i = 0; i < POOL; i++) {
            texts.add("Ticket " + i + ": my " + subjects[i % 10] + " " + problems[(i / 10) % 10]
                    + ", please help me with case " + (i * 7919 % 100_003) + ".");
        }
        ours = new MiniLmEmbeddings();
        ours.embed("warm up");
        environment = OrtEnvironment.getEnvironment();
        try (InputStream model = MiniLmEmbeddings.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx");
             InputStream vocabulary = MiniLmEmbeddings.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            session = environment.createSession(model.readAllBytes(), new OrtSession.SessionOptions());
            tokenizer = HuggingFaceTokenizer.newInstance(vocabulary, Map.of("padding", "false", "truncation", "true",
                    "maxLength", "510"));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        session.close();
        tokenizer.close();
    }

    private List<String> nextBatch() {
        if (next + BATCH > POOL) {
            next = 0;
        }
        List<String> batch = texts.subList(next, next + BATCH);
        next += BATCH;
        return batch;
    }

    @Benchmark
    public List<MiniLmEmbeddings.Embedded> ours() {
        return ours.embed(nextBatch());
    }

    @Benchmark
    public List<float[]> onnxRuntimeDirect() throws OrtException {
        List<float[]> vectors = new ArrayList<>(BATCH);
        for (String text : nextBatch()) {
            vectors.add(embedDirect(text));
        }
        return vectors;
    }

    private float[] embedDirect(String text) throws OrtException {
        Encoding encoding = tokenizer.encode(text);
        long[] mask = encoding.getAttentionMask();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(environment, new long[][] {encoding.getIds()}));
        inputs.put("attention_mask", OnnxTensor.createTensor(environment, new long[][] {mask}));
        if (session.getInputNames().contains("token_type_ids")) {
            inputs.put("token_type_ids", OnnxTensor.createTensor(environment, new long[][] {encoding.getTypeIds()}));
        }
        try (OrtSession.Result result = session.run(inputs)) {
            float[][] tokens = ((float[][][]) result.get(0).getValue())[0];
            float[] pooled = new float[tokens[0].length];
            int counted = 0;
            for (int t = 0; t < tokens.length; t++) {
                if (mask[t] == 0) {
                    continue;
                }
                counted++;
                for (int d = 0; d < pooled.length; d++) {
                    pooled[d] += tokens[t][d];
                }
            }
            double norm = 0;
            for (int d = 0; d < pooled.length; d++) {
                pooled[d] /= counted;
                norm += pooled[d] * pooled[d];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < pooled.length; d++) {
                pooled[d] *= scale;
            }
            return pooled;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
