package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture (src/test/resources/extraction, written by make_fixture.py): 400 synthetic support tickets with
 * their ideal extraction; 240 train, 60 validation, 100 held out.
 */
class LocalExtractionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode schema;
    private static List<String> inputs;
    private static List<JsonNode> outputs;
    private static LocalExtraction extraction;

    @BeforeAll
    static void load() throws IOException {
        schema = JSON.readTree(resource("extraction/schema.json"));
        inputs = new ArrayList<>();
        outputs = new ArrayList<>();
        for (String line : new String(resource("extraction/tickets.jsonl").readAllBytes(), StandardCharsets.UTF_8)
                .split("\n")) {
            if (!line.isBlank()) {
                JsonNode example = JSON.readTree(line);
                inputs.add(example.get("input").asText());
                outputs.add(example.get("expected"));
            }
        }
        extraction = new LocalExtraction(JSON);
    }

    /** Per-field accuracy and strict record match of an extractor on the held-out tickets. */
    record Scores(Map<String, Double> fieldAccuracy, double strictMatch) {
        double meanFieldAccuracy() {
            return fieldAccuracy.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }
    }

    static Scores score(JsonNode schema, Function<String, ObjectNode> extractor, List<String> inputs,
                        List<JsonNode> expected) {
        List<ExtractionField> fields = ExtractionField.of(schema);
        Map<String, Integer> correct = new LinkedHashMap<>();
        fields.forEach(field -> correct.put(field.name(), 0));
        int strict = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode output = extractor.apply(inputs.get(i));
            boolean all = true;
            for (ExtractionField field : fields) {
                if (field.matches(output.get(field.name()), expected.get(i).get(field.name()))) {
                    correct.merge(field.name(), 1, Integer::sum);
                } else {
                    all = false;
                }
            }
            strict += all ? 1 : 0;
            output.fieldNames().forEachRemaining(name -> assertThat(schema.get("properties").has(name)).isTrue());
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        correct.forEach((name, count) -> accuracy.put(name, (double) count / inputs.size()));
        return new Scores(accuracy, (double) strict / inputs.size());
    }

    @Test
    void fineTuningBeatsTheFewShotBaselineOnHeldOutTickets(@TempDir Path dir) {
        List<LocalExtraction.Shot> shots = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            shots.add(new LocalExtraction.Shot(inputs.get(i), outputs.get(i)));
        }
        List<String> heldOut = inputs.subList(300, 400);
        List<JsonNode> heldOutExpected = outputs.subList(300, 400);
        Scores baseline = score(schema, input -> extraction.baseline(schema, shots, input), heldOut, heldOutExpected);

        LocalExtraction.Trained trained = extraction.train(schema, inputs.subList(0, 240), outputs.subList(0, 240),
                inputs.subList(240, 300), outputs.subList(240, 300), Map.of(), 7L);
        Path weights = dir.resolve("extraction.json");
        trained.writeTo(weights);
        String uri = weights.toUri().toString();
        Scores tuned = score(schema, input -> extraction.extract(uri, input), heldOut, heldOutExpected);

        System.out.printf("baseline: strict %.2f, fields %s%n", baseline.strictMatch(), baseline.fieldAccuracy());
        System.out.printf("trained:  strict %.2f, fields %s%n", tuned.strictMatch(), tuned.fieldAccuracy());
        Map<String, Object> metrics = new LinkedHashMap<>(trained.metrics());
        metrics.remove("lossCurve");
        System.out.println("metrics: " + metrics);
        assertThat(tuned.strictMatch()).isGreaterThan(baseline.strictMatch() + 0.2);
        assertThat(tuned.meanFieldAccuracy()).isGreaterThan(baseline.meanFieldAccuracy() + 0.1);
    }

    @Test
    void trainingIsRepeatableForASeedAndItsWeightsExtractAsTrained(@TempDir Path dir) throws IOException {
        Path first = dir.resolve("first.json");
        Path again = dir.resolve("again.json");
        Path otherSeed = dir.resolve("other-seed.json");
        LocalExtraction.Trained trained = trainSmall(3L);
        trained.writeTo(first);
        trainSmall(3L).writeTo(again);
        trainSmall(4L).writeTo(otherSeed);

        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));
        assertThat(Files.readAllBytes(otherSeed)).isNotEqualTo(Files.readAllBytes(first));
        // the validation metrics are those of the written model
        String uri = first.toUri().toString();
        Scores validation = score(schema, input -> extraction.extract(uri, input), inputs.subList(80, 110),
                outputs.subList(80, 110));
        assertThat(trained.metrics().get("validationStrictMatch")).isEqualTo(validation.strictMatch());
        assertThat(trained.metrics().get("validationFieldAccuracy")).isEqualTo(validation.fieldAccuracy());
        assertThat(trained.metrics()).containsKeys("lossCurve", "bestEpoch", "trainingSeconds", "spanLabelsNotFound");
    }

    private static LocalExtraction.Trained trainSmall(long seed) {
        return extraction.train(schema, inputs.subList(0, 80), outputs.subList(0, 80), inputs.subList(80, 110),
                outputs.subList(80, 110), Map.of("epochs", 5), seed);
    }

    @Test
    void spanLabelsAreThePiecesOfTheValueFoundInTheInput() {
        String input = "Refund ORD-48213: charged $1,200 twice";
        MiniLmTokenStates.Encoded encoded = new MiniLmTokenStates().encode(input);
        ExtractionField orderId = ExtractionField.of(schema).getFirst();
        int[] range = orderId.locate(input, JSON.getNodeFactory().textNode("ord-48213")).orElseThrow();

        int[] tags = TokenTagger.tags(encoded, range[0], range[1]);

        // ref ##und | or ##d - 48 ##21 ##3 | : charged $ 1 , 200 twice
        assertThat(tags).containsExactly(0, 0, 1, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0);
        int[] chars = ExtractionModel.characters(encoded, 3, 5); // "##d" .. "48": widened to whole words
        assertThat(input.substring(chars[0], chars[1])).isEqualTo("ORD-48213");
    }

    private static InputStream resource(String name) {
        return LocalExtractionTest.class.getClassLoader().getResourceAsStream(name);
    }
}
