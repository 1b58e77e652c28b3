package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Structured extraction with the local, offline MiniLM model. Span fields (strings, numbers) are found by tagging
 * the input's word pieces on their hidden states; choice fields (enums, booleans) are picked from the sentence
 * embedding. Without training, the prompt's few-shot examples guide both ({@link FewShotExtraction}); fine-tuning
 * trains a {@link TokenTagger} and a {@link SoftmaxHead} per choice field on (input, ideal output) pairs. Outputs
 * hold only the schema's top-level properties, absent ones left out, and a value is output only where it
 * satisfies the field's schema.
 */
@Component
public class LocalExtraction implements AutoCloseable {

    private static final int MAX_CACHED_PROMPTS = 256;
    /** The choice heads' features are wider than a classifier's (hashed words): fewer, larger steps. */
    private static final ChoiceSettings CHOICE_SETTINGS = new ChoiceSettings(100, 32, 0.01, 1e-3, 10);

    private final ObjectMapper json;
    private volatile MiniLmTokenStates model;
    private final Map<String, ExtractionModel> trainedModels = new ConcurrentHashMap<>();
    private final Map<PromptKey, FewShotExtraction> prompts = new ConcurrentHashMap<>();

    /** A few-shot example of the prompt: an input and its ideal output. */
    public record Shot(String input, JsonNode output) {
    }

    /** A trained model: its training metrics, and its weights to write where {@link #extract} can read them. */
    public static final class Trained {
        private final ExtractionModel model;
        private final Map<String, Object> metrics;
        private final ObjectMapper json;

        private Trained(ExtractionModel model, Map<String, Object> metrics, ObjectMapper json) {
            this.model = model;
            this.metrics = metrics;
            this.json = json;
        }

        /**
         * lossCurve ([{epoch, trainLoss, validationLoss}] of the tagging head, or of the first choice head when the
         * schema has no span field), bestEpoch, epochsRun, validationFieldAccuracy ({field: share}),
         * validationStrictMatch, spanLabelsNotFound ({field: training examples whose value is not in the input}),
         * choiceLabelsOutsideSchema, choiceHeads ({field: {bestEpoch, epochsRun}}), unsupportedFields,
         * trainExamples, validationExamples, encodingSeconds, trainingSeconds, hyperparameters.
         */
        public Map<String, Object> metrics() {
            return metrics;
        }

        /** Writes the weights as JSON. */
        public void writeTo(Path file) {
            try {
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                json.writeValue(file.toFile(), model);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the extraction weights to " + file, e);
            }
        }
    }

    private record ChoiceSettings(int epochs, int batchSize, double learningRate, double l2, int patience) {
        SoftmaxHead.Hyperparameters withSeed(long seed) {
            return new SoftmaxHead.Hyperparameters(epochs, batchSize, learningRate, l2, patience, seed);
        }
    }

    private record PromptKey(JsonNode schema, List<Shot> shots) {
    }

    public LocalExtraction(ObjectMapper json) {
        this.json = json;
    }

    /** Prompt-only baseline: matches the input's tokens against the prompt's few-shot examples' field values. */
    public ObjectNode baseline(JsonNode outputSchema, List<Shot> fewShot, String input) {
        PromptKey key = new PromptKey(outputSchema, List.copyOf(fewShot));
        FewShotExtraction prompt = prompts.get(key);
        if (prompt == null) {
            List<MiniLmTokenStates.Encoded> shots = fewShot.stream().map(shot -> model().encode(shot.input())).toList();
            prompt = new FewShotExtraction(ExtractionField.of(outputSchema), shots,
                    fewShot.stream().map(Shot::output).toList(), model()::encode);
            if (prompts.size() >= MAX_CACHED_PROMPTS) {
                prompts.clear();
            }
            prompts.put(key, prompt);
        }
        return prompt.extract(model().encode(input));
    }

    /** Fine-tuning: trains the heads on (input, ideal output) pairs with early stopping on validation. */
    public Trained train(JsonNode outputSchema, List<String> trainInputs, List<JsonNode> trainOutputs,
                         List<String> validationInputs, List<JsonNode> validationOutputs,
                         Map<String, Object> hyperparameters, long seed) {
        if (trainInputs.size() != trainOutputs.size() || validationInputs.size() != validationOutputs.size()) {
            throw new IllegalArgumentException("inputs and outputs differ in number");
        }
        if (trainInputs.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        List<ExtractionField> fields = ExtractionField.of(outputSchema);
        List<ExtractionField> spanFields = fields.stream().filter(ExtractionField::isSpan).toList();
        List<String> spanNames = spanFields.stream().map(ExtractionField::name).toList();

        long started = System.nanoTime();
        List<TokenFeatures> train = trainInputs.stream().map(input -> new TokenFeatures(model().encode(input))).toList();
        List<TokenFeatures> validation = validationInputs.stream()
                .map(input -> new TokenFeatures(model().encode(input))).toList();
        double encodingSeconds = (System.nanoTime() - started) / 1e9;

        started = System.nanoTime();
        Map<String, Integer> notFound = new LinkedHashMap<>();
        spanNames.forEach(name -> notFound.put(name, 0));
        TokenTagger.Hyperparameters taggerSettings = taggerSettings(hyperparameters, seed);
        TokenTagger.Trained tagger = null;
        if (!spanFields.isEmpty()) {
            List<TokenTagger.Example> trainTags = tagged(spanFields, train, trainOutputs, notFound);
            List<TokenTagger.Example> validationTags = tagged(spanFields, validation, validationOutputs,
                    new LinkedHashMap<>());
            tagger = TokenTagger.train(spanNames, trainTags, validationTags, taggerSettings);
        }

        double taggerSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, SoftmaxHead> choiceHeads = new LinkedHashMap<>();
        Map<String, Object> choiceMetrics = new LinkedHashMap<>();
        Map<String, Integer> outsideSchema = new LinkedHashMap<>();
        List<SoftmaxHead.EpochLoss> firstChoiceCurve = null;
        SoftmaxHead.Hyperparameters choiceSettings = CHOICE_SETTINGS.withSeed(seed);
        for (ExtractionField field : fields) {
            if (field.isSpan()) {
                continue;
            }
            Choices trainChoices = choices(field, train, trainOutputs);
            Choices validationChoices = choices(field, validation, validationOutputs);
            outsideSchema.put(field.name(), trainChoices.outsideSchema());
            if (trainChoices.vectors().isEmpty()) {
                continue; // nothing to learn from: the field stays absent
            }
            SoftmaxHead.Trained head = SoftmaxHead.train(field.choiceLabels(), trainChoices.vectors(),
                    trainChoices.labels(), validationChoices.vectors(), validationChoices.labels(), choiceSettings);
            choiceHeads.put(field.name(), head.head());
            choiceMetrics.put(field.name(), Map.of("bestEpoch", head.bestEpoch(), "epochsRun", head.curve().size()));
            if (firstChoiceCurve == null) {
                firstChoiceCurve = head.curve();
            }
        }
        double trainingSeconds = (System.nanoTime() - started) / 1e9;

        ExtractionModel trained = new ExtractionModel(fields, tagger == null ? null : tagger.tagger(),
                Map.copyOf(choiceHeads));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("trainExamples", train.size());
        metrics.put("validationExamples", validation.size());
        metrics.put("epochsRun", tagger != null ? tagger.curve().size()
                : firstChoiceCurve == null ? 0 : firstChoiceCurve.size());
        metrics.put("bestEpoch", tagger != null ? tagger.bestEpoch() : choiceMetrics.isEmpty() ? 0
                : ((Map<?, ?>) choiceMetrics.values().iterator().next()).get("bestEpoch"));
        metrics.put("lossCurve", tagger != null ? tagger.curve() : firstChoiceCurve == null ? List.of()
                : firstChoiceCurve);
        putValidationAccuracy(metrics, trained, validation, validationOutputs);
        metrics.put("spanLabelsNotFound", notFound);
        metrics.put("choiceLabelsOutsideSchema", outsideSchema);
        metrics.put("choiceHeads", choiceMetrics);
        metrics.put("unsupportedFields", ExtractionField.unsupported(outputSchema));
        metrics.put("encodingSeconds", encodingSeconds);
        metrics.put("trainingSeconds", trainingSeconds);
        metrics.put("taggerSeconds", taggerSeconds);
        metrics.put("hyperparameters", taggerSettings);
        return new Trained(trained, metrics, json);
    }

    /** The fine-tuned model whose weights {@link Trained#writeTo} wrote to the file at weightsUri (file: URI). */
    public ObjectNode extract(String weightsUri, String input) {
        ExtractionModel trained = trainedModels.computeIfAbsent(weightsUri, this::load);
        return trained.extract(new TokenFeatures(model().encode(input)));
    }

    /** Word pieces the model reads for an input. */
    public int tokens(String input) {
        return model().tokens(input);
    }

    private static List<TokenTagger.Example> tagged(List<ExtractionField> spanFields, List<TokenFeatures> inputs,
                                                    List<JsonNode> outputs, Map<String, Integer> notFound) {
        List<TokenTagger.Example> examples = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            MiniLmTokenStates.Encoded encoded = inputs.get(i).encoded();
            int[][] tags = new int[spanFields.size()][];
            for (int f = 0; f < spanFields.size(); f++) {
                ExtractionField field = spanFields.get(f);
                JsonNode ideal = outputs.get(i).get(field.name());
                if (ideal == null || ideal.isNull()) {
                    tags[f] = new int[encoded.size()]; // absent: every piece is outside
                    continue;
                }
                int[] located = field.locate(encoded.text(), ideal).orElse(null);
                if (located == null) {
                    notFound.merge(field.name(), 1, Integer::sum); // no span label for this field here
                } else {
                    tags[f] = TokenTagger.tags(encoded, located[0], located[1]);
                }
            }
            examples.add(new TokenTagger.Example(inputs.get(i), tags));
        }
        return examples;
    }

    private record Choices(List<float[]> vectors, List<Integer> labels, int outsideSchema) {
    }

    private static Choices choices(ExtractionField field, List<TokenFeatures> inputs, List<JsonNode> outputs) {
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int outside = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int label = field.choiceIndex(outputs.get(i).get(field.name()));
            if (label < 0) {
                outside++;
                continue;
            }
            vectors.add(ExtractionModel.sentenceFeatures(inputs.get(i).encoded()));
            labels.add(label);
        }
        return new Choices(vectors, labels, outside);
    }

    private static void putValidationAccuracy(Map<String, Object> metrics, ExtractionModel trained,
                                              List<TokenFeatures> validation, List<JsonNode> outputs) {
        if (validation.isEmpty()) {
            metrics.put("validationFieldAccuracy", Map.of());
            metrics.put("validationStrictMatch", null);
            return;
        }
        Map<String, Integer> correct = new LinkedHashMap<>();
        trained.fields().forEach(field -> correct.put(field.name(), 0));
        int strict = 0;
        for (int i = 0; i < validation.size(); i++) {
            ObjectNode predicted = trained.extract(validation.get(i));
            boolean all = true;
            for (ExtractionField field : trained.fields()) {
                if (field.matches(predicted.get(field.name()), outputs.get(i).get(field.name()))) {
                    correct.merge(field.name(), 1, Integer::sum);
                } else {
                    all = false;
                }
            }
            strict += all ? 1 : 0;
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        correct.forEach((name, count) -> accuracy.put(name, (double) count / validation.size()));
        metrics.put("validationFieldAccuracy", accuracy);
        metrics.put("validationStrictMatch", (double) strict / validation.size());
    }

    private static TokenTagger.Hyperparameters taggerSettings(Map<String, Object> given, long seed) {
        TokenTagger.Hyperparameters d = TokenTagger.Hyperparameters.defaults();
        return new TokenTagger.Hyperparameters(
                given.get("epochs") instanceof Number n ? n.intValue() : d.epochs(),
                given.get("batchSize") instanceof Number n ? n.intValue() : d.batchSize(),
                given.get("learningRate") instanceof Number n ? n.doubleValue() : d.learningRate(),
                given.get("l2") instanceof Number n ? n.doubleValue() : d.l2(),
                given.get("patience") instanceof Number n ? n.intValue() : d.patience(),
                seed);
    }

    private ExtractionModel load(String uri) {
        try {
            return json.readValue(Path.of(URI.create(uri)).toFile(), ExtractionModel.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the extraction weights " + uri, e);
        }
    }

    /** Frees the token model's ONNX session (native memory; Spring calls this when the app closes). */
    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private MiniLmTokenStates model() {
        MiniLmTokenStates loaded = model;
        if (loaded == null) {
            synchronized (this) {
                if (model == null) {
                    model = new MiniLmTokenStates();
                }
                loaded = model;
            }
        }
        return loaded;
    }
}
