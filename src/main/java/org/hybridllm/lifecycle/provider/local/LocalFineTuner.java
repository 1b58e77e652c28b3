package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hybridllm.lifecycle.provider.ChatJsonl;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.TrainingCost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fine-tunes the local model, per task kind: a {@link SoftmaxHead} on the MiniLM embeddings (classification), the
 * span-tagging and field heads of {@link LocalExtraction} (extraction), the reply-selection projection of
 * {@link LocalReplySelection} (generation); each by real gradient descent with early stopping on the validation
 * split. Training a few hundred examples takes seconds, so
 * it runs within submit; the job's result (weights and status.json with the loss curve) is written to the job's
 * output directory, from which status() answers, also after a restart.
 */
@Component
public class LocalFineTuner implements FineTuner {

    private static final Logger log = LoggerFactory.getLogger(LocalFineTuner.class);
    static final String STATUS_FILE = "status.json";
    static final String WEIGHTS_FILE = "head.json";
    static final String EXTRACTOR_FILE = "extractor.json";
    static final String REPLIES_FILE = "replies.json";

    private final MiniLmEmbeddings embeddings;
    private final LocalExtraction extraction;
    private final LocalReplySelection replies;
    private final ObjectMapper json;

    private final BigDecimal computeHourUsd;

    public LocalFineTuner(MiniLmEmbeddings embeddings, LocalExtraction extraction, LocalReplySelection replies,
                          ObjectMapper json, LocalComputeProperties compute) {
        this.computeHourUsd = compute.computeHourUsd();
        this.embeddings = embeddings;
        this.extraction = extraction;
        this.replies = replies;
        this.json = json;
    }

    @Override
    public String name() {
        return LocalModelProvider.NAME;
    }

    @Override
    public String submit(FineTuneRequest request) {
        Path jobDir = request.outputDirectory().resolve(request.jobName());
        if (Files.exists(jobDir.resolve(STATUS_FILE))) {
            return jobDir.toString(); // already trained: same job name, same result
        }
        FineTuneStatus status;
        long started = System.nanoTime();
        try {
            status = train(request, jobDir);
            // training runs here, on the app's machine: its wall time at the local compute rate
            status = status.withTrainingCost(TrainingCost.ofWallTime(Duration.ofNanos(System.nanoTime() - started),
                    computeHourUsd, "compute-hour of the local model (lifecycle.local.compute-hour-usd)"));
        } catch (RuntimeException | IOException e) {
            log.warn("Local fine-tuning job {} failed", request.jobName(), e);
            status = new FineTuneStatus(FineTuneStatus.State.FAILED, Map.of(), null, e.getMessage());
        }
        writeStatus(jobDir, status);
        return jobDir.toString();
    }

    @Override
    public FineTuneStatus status(String externalId) {
        Path statusFile = Path.of(externalId).resolve(STATUS_FILE);
        if (!Files.exists(statusFile)) {
            return new FineTuneStatus(FineTuneStatus.State.RUNNING, Map.of(), null, null);
        }
        try {
            return json.readValue(statusFile.toFile(), FineTuneStatus.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FineTuneStatus train(FineTuneRequest request, Path jobDir) throws IOException {
        return switch (request.task()) {
            case CLASSIFICATION -> trainHead(request, jobDir);
            case EXTRACTION -> trainExtractor(request, jobDir);
            case GENERATION -> trainReplies(request, jobDir);
        };
    }

    private FineTuneStatus trainExtractor(FineTuneRequest request, Path jobDir) throws IOException {
        List<ChatJsonl.Example> train = ChatJsonl.read(json, Files.readAllBytes(request.trainFile()));
        List<ChatJsonl.Example> validation = ChatJsonl.read(json, Files.readAllBytes(request.validationFile()));
        LocalExtraction.Trained trained = extraction.train(request.outputSchema(), inputs(train), objects(train),
                inputs(validation), objects(validation), request.hyperparameters(), seed(request));
        return succeeded(request, jobDir, EXTRACTOR_FILE, trained::writeTo, trained.metrics());
    }

    private FineTuneStatus trainReplies(FineTuneRequest request, Path jobDir) throws IOException {
        List<ChatJsonl.Example> train = ChatJsonl.read(json, Files.readAllBytes(request.trainFile()));
        List<ChatJsonl.Example> validation = ChatJsonl.read(json, Files.readAllBytes(request.validationFile()));
        // the prompt's own few-shot answers stay selectable after tuning
        List<String> extra = request.prompt().fewShot().stream().map(FewShotExample::outputText).toList();
        LocalReplySelection.Trained trained = replies.train(inputs(train), answers(train), inputs(validation),
                answers(validation), extra, request.hyperparameters(), seed(request));
        return succeeded(request, jobDir, REPLIES_FILE, trained::writeTo, trained.metrics());
    }

    private FineTuneStatus succeeded(FineTuneRequest request, Path jobDir, String file, Consumer<Path> write,
                                     Map<String, Object> metrics) throws IOException {
        Files.createDirectories(jobDir);
        Path weights = jobDir.resolve(file);
        write.accept(weights);
        log.info("Local fine-tuning job {} ({}) trained: {}", request.jobName(), request.task(), metrics.keySet());
        return new FineTuneStatus(FineTuneStatus.State.SUCCEEDED, metrics, weights.toUri().toString(), null);
    }

    private static List<String> inputs(List<ChatJsonl.Example> examples) {
        return examples.stream().map(ChatJsonl.Example::user).toList();
    }

    private static List<String> answers(List<ChatJsonl.Example> examples) {
        return examples.stream().map(ChatJsonl.Example::assistant).toList();
    }

    private List<JsonNode> objects(List<ChatJsonl.Example> examples) throws IOException {
        List<JsonNode> objects = new ArrayList<>(examples.size());
        for (ChatJsonl.Example example : examples) {
            objects.add(json.readTree(example.assistant()));
        }
        return objects;
    }

    private static long seed(FineTuneRequest request) {
        return request.hyperparameters().get("seed") instanceof Number n ? n.longValue()
                : SoftmaxHead.Hyperparameters.defaults().seed();
    }

    private FineTuneStatus trainHead(FineTuneRequest request, Path jobDir) throws IOException {
        List<String> labels = request.labels().stream().map(LabelSpec::label).toList();
        Examples train = read(request.trainFile(), request.prompt(), labels);
        Examples validation = read(request.validationFile(), request.prompt(), labels);
        SoftmaxHead.Hyperparameters hp = hyperparameters(request.hyperparameters());
        long started = System.nanoTime();
        SoftmaxHead.Trained trained = SoftmaxHead.train(labels, train.vectors, train.labels, validation.vectors,
                validation.labels, hp);
        double seconds = (System.nanoTime() - started) / 1e9;

        int correct = 0;
        for (int i = 0; i < validation.vectors.size(); i++) {
            if (trained.head().predict(validation.vectors.get(i)) == validation.labels.get(i)) {
                correct++;
            }
        }
        Files.createDirectories(jobDir);
        Path weights = jobDir.resolve(WEIGHTS_FILE);
        json.writeValue(weights.toFile(), trained.head());

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("trainExamples", train.vectors.size());
        metrics.put("validationExamples", validation.vectors.size());
        metrics.put("epochsRun", trained.curve().size());
        metrics.put("bestEpoch", trained.bestEpoch());
        metrics.put("validationAccuracy", validation.vectors.isEmpty() ? null
                : (double) correct / validation.vectors.size());
        metrics.put("trainingSeconds", seconds);
        metrics.put("hyperparameters", hp);
        metrics.put("lossCurve", trained.curve());
        log.info("Local fine-tuning job {} trained on {} examples in {} s (best epoch {})", request.jobName(),
                train.vectors.size(), String.format("%.1f", seconds), trained.bestEpoch());
        return new FineTuneStatus(FineTuneStatus.State.SUCCEEDED, metrics, weights.toUri().toString(), null);
    }

    private record Examples(List<float[]> vectors, List<Integer> labels) {
    }

    /** Reads the chat JSONL: the user message is the input, the assistant message the label. */
    private Examples read(Path file, PromptSpec prompt, List<String> labels) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (ChatJsonl.Example example : ChatJsonl.read(json, Files.readAllBytes(file))) {
            int y = labels.indexOf(example.assistant());
            if (y < 0) {
                throw new IllegalArgumentException(file.getFileName() + ": unknown label '" + example.assistant() + "'");
            }
            inputs.add(prompt.render(example.user()));
            ys.add(y);
        }
        List<float[]> vectors = embeddings.embed(inputs).stream().map(MiniLmEmbeddings.Embedded::vector).toList();
        return new Examples(vectors, ys);
    }

    private static SoftmaxHead.Hyperparameters hyperparameters(Map<String, Object> given) {
        SoftmaxHead.Hyperparameters d = SoftmaxHead.Hyperparameters.defaults();
        return new SoftmaxHead.Hyperparameters(
                intOf(given, "epochs", d.epochs()),
                intOf(given, "batchSize", d.batchSize()),
                doubleOf(given, "learningRate", d.learningRate()),
                doubleOf(given, "l2", d.l2()),
                intOf(given, "patience", d.patience()),
                (long) doubleOf(given, "seed", d.seed()));
    }

    private static int intOf(Map<String, Object> map, String key, int fallback) {
        return map.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    private static double doubleOf(Map<String, Object> map, String key, double fallback) {
        return map.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    private void writeStatus(Path jobDir, FineTuneStatus status) {
        try {
            Files.createDirectories(jobDir);
            Path temp = Files.createTempFile(jobDir, ".status-", ".tmp");
            json.writeValue(temp.toFile(), status);
            Files.move(temp, jobDir.resolve(STATUS_FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
