package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sample use case support-reply (25 macro bodies, greeted by the customer's first name where the
 * ticket is signed): trained on its interactions' ideal outputs, measured on its eval set. Skipped where the
 * sample is not on the classpath.
 */
class LocalReplySelectionSampleTest {

    private static final String SAMPLE = "/sample/support-reply/";
    private static final double SIMILAR = 0.9; // the sample's `similar` scorer threshold
    private static final ObjectMapper JSON = new ObjectMapper();

    record Pair(String input, String reply) {
    }

    @Test
    void fineTuningOnTheSampleBeatsTheFewShotBaselineOnItsEvalSet(@TempDir Path dir) throws IOException {
        assumeTrue(getClass().getResource(SAMPLE + "interactions.jsonl") != null, "support-reply sample absent");
        List<Pair> train = new ArrayList<>();
        List<Pair> validation = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode row : lines("interactions.jsonl")) {
            String input = row.get("input").asText();
            if (!seen.add(input.toLowerCase(Locale.ROOT).replaceAll("\\s+", " "))) {
                continue; // a resubmitted duplicate
            }
            // a stable split by hash, as the dataset stage makes one for generation
            (Math.floorMod(input.hashCode(), 100) < 15 ? validation : train)
                    .add(new Pair(input, row.get("trueOutput").asText()));
        }
        List<Pair> eval = lines("eval-set.jsonl").stream()
                .map(row -> new Pair(row.get("input").asText(), row.get("expected").asText())).toList();
        List<LocalReplySelection.Shot> fewShot = new ArrayList<>();
        JsonNode prompts = JSON.readTree(resource("prompts.json"));
        for (JsonNode prompt : prompts) {
            if (prompt.get("spec").get("fewShot").size() > fewShot.size()) {
                fewShot.clear();
                prompt.get("spec").get("fewShot").forEach(shot -> fewShot.add(
                        new LocalReplySelection.Shot(shot.get("input").asText(), shot.get("output").asText())));
            }
        }

        MiniLmEmbeddings embeddings = LocalModelProviderTest.EMBEDDINGS;
        LocalReplySelection selection = new LocalReplySelection(embeddings, JSON);
        List<String> extra = fewShot.stream().map(LocalReplySelection.Shot::output).toList();
        Path tuned = dir.resolve("tuned.json");
        LocalReplySelection.Trained trained = selection.train(inputs(train), replies(train), inputs(validation),
                replies(validation), extra, Map.of(), 42);
        trained.writeTo(tuned);
        Path untuned = dir.resolve("untuned.json");
        selection.train(inputs(train), replies(train), inputs(validation), replies(validation), extra,
                Map.of("epochs", 0), 42).writeTo(untuned);

        Function<String, String> baselineModel = input -> selection.baseline(fewShot, input);
        Function<String, String> untunedModel = input -> selection.select(untuned.toUri().toString(), input);
        Function<String, String> tunedModel = input -> selection.select(tuned.toUri().toString(), input);
        double[] baseline = score(eval, baselineModel, embeddings);
        double[] raw = score(eval, untunedModel, embeddings);
        double[] fineTuned = score(eval, tunedModel, embeddings);
        System.out.printf("support-reply eval set (%d): exact / similar>=%.1f: baseline (%d few-shot) %.3f / %.3f,"
                        + " untuned (%s candidates) %.3f / %.3f, tuned %.3f / %.3f; %s train pairs, best epoch %s,"
                        + " %.1f s%n", eval.size(), SIMILAR, fewShot.size(), baseline[0], baseline[1],
                trained.metrics().get("candidates"), raw[0], raw[1], fineTuned[0], fineTuned[1],
                trained.metrics().get("trainPairs"), trained.metrics().get("bestEpoch"),
                (double) trained.metrics().get("trainingSeconds"));
        // measured: exact 0.057, 0.097, 0.646; similar 0.194, 0.726, 0.989 (the greeting's name is what exact misses)
        assertThat(fineTuned[1]).isGreaterThan(baseline[1] + 0.5).isGreaterThan(raw[1] + 0.2);
        assertThat(fineTuned[0]).isGreaterThan(raw[0] + 0.3);
    }

    /** {exact match share, share with MiniLM cosine ≥ SIMILAR to the reference}. */
    private static double[] score(List<Pair> eval, Function<String, String> model, MiniLmEmbeddings embeddings) {
        int exact = 0;
        int similar = 0;
        for (Pair pair : eval) {
            String reply = model.apply(pair.input());
            exact += reply.equals(pair.reply()) ? 1 : 0;
            similar += MiniLmEmbeddings.dot(embeddings.embed(reply).vector(),
                    embeddings.embed(pair.reply()).vector()) >= SIMILAR ? 1 : 0;
        }
        return new double[] {(double) exact / eval.size(), (double) similar / eval.size()};
    }

    private static List<String> inputs(List<Pair> pairs) {
        return pairs.stream().map(Pair::input).toList();
    }

    private static List<String> replies(List<Pair> pairs) {
        return pairs.stream().map(Pair::reply).toList();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LocalReplySelectionSampleTest.class.getResourceAsStream(SAMPLE + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<JsonNode> lines(String name) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : resource(name).split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }
}
