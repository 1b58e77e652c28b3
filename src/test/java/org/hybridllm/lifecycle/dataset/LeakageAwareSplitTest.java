package org.hybridllm.lifecycle.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hybridllm.lifecycle.feedback.FeedbackRepository.IdealOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dataset build's leakage-aware split on the sample use cases, and the audit that measures it. */
class LeakageAwareSplitTest {

    private static final long SEED = 20261124L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * 100 sample inputs of over 120 characters, each with a light edit added (one word replaced, or the last
     * punctuation mark changed): no pair of a text and its edit at an exact Jaccard of 0.85 or more straddles two
     * splits (the estimate's standard error there is 0.045: 3 below the threshold); of the few nearer the
     * threshold, where the estimate can fall under it, at most 2.
     */
    @Test
    void plantedNearDuplicatePairsNeverStraddleSplits() {
        List<IdealOutput> rows = new ArrayList<>(sample("support-ticket-routing"));
        Random random = new Random(17);
        Map<Long, Long> variantOf = new HashMap<>();
        Map<Long, Double> jaccardOf = new HashMap<>();
        double lowest = 1;
        String[] words = {"really", "now", "again", "today", "please"};
        for (IdealOutput original : List.copyOf(rows)) {
            if (variantOf.size() == 100) {
                break;
            }
            if (original.input().length() < 120) {
                continue;
            }
            String text = original.input();
            String edited;
            if (random.nextBoolean()) {
                List<String> tokens = new ArrayList<>(Arrays.asList(text.split(" ")));
                tokens.set(1 + random.nextInt(tokens.size() - 2), words[random.nextInt(words.length)]);
                edited = String.join(" ", tokens);
            } else {
                int last = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
                edited = last < 0 ? text + "!" : text.substring(0, last) + "!" + text.substring(last + 1);
            }
            long id = 1_000_000 + original.feedbackId();
            rows.add(new IdealOutput(id, id, edited, original.idealOutput()));
            variantOf.put(original.feedbackId(), id);
            double jaccard = LeakageAudit.exactJaccard(NearDuplicates.shingleSet(text),
                    NearDuplicates.shingleSet(edited));
            jaccardOf.put(original.feedbackId(), jaccard);
            lowest = Math.min(lowest, jaccard);
        }
        DatasetBuilder.InMemory built = new DatasetBuilder(0.15, 0.15).build(rows, labels(), SEED);
        Map<Long, String> splitOf = new HashMap<>();
        built.train().forEach(e -> splitOf.put(e.feedbackId(), "train"));
        built.validation().forEach(e -> splitOf.put(e.feedbackId(), "validation"));
        built.test().forEach(e -> splitOf.put(e.feedbackId(), "test"));
        int together = 0;
        int straddling = 0;
        int inTest = 0;
        for (Map.Entry<Long, Long> pair : variantOf.entrySet()) {
            String original = splitOf.get(pair.getKey());
            if (original == null) {
                continue; // an exact duplicate of a later row: not kept
            }
            if (!original.equals(splitOf.get(pair.getValue()))) {
                straddling++;
                System.out.printf("straddles: feedback %d (%s) and its edit (%s), exact Jaccard %.2f%n",
                        pair.getKey(), original, splitOf.get(pair.getValue()), jaccardOf.get(pair.getKey()));
                assertThat(jaccardOf.get(pair.getKey())).as("the edit of feedback %d", pair.getKey())
                        .isLessThan(0.85);
                continue;
            }
            together++;
            inTest += original.equals("test") ? 1 : 0;
        }
        System.out.printf("planted: %d pairs (exact Jaccard from %.2f), %d kept in one split, %d straddling, %d in "
                + "test; %s%n", variantOf.size(), lowest, together, straddling, inTest, built.split().nearDuplicates());
        assertThat(variantOf).hasSize(100);
        assertThat(straddling).isLessThanOrEqualTo(2);
        assertThat(together).isGreaterThanOrEqualTo(80); // 15 originals repeat a later input exactly
        assertThat(inTest).isPositive(); // pairs are held out too, not all pushed to train
        assertThat(built.test()).hasSizeGreaterThan((int) (built.split().total() * 0.12));
        assertThat(built.split().nearDuplicates().testOverlapRate()).isLessThanOrEqualTo(0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {"support-ticket-routing", "support-ticket-extraction", "support-reply"})
    void testOverlapRateIsAtMostFivePercentOnEachSample(String sample) {
        List<IdealOutput> rows = sample(sample);
        DatasetBuilder.InMemory built = sample.equals("support-ticket-routing")
                ? new DatasetBuilder(0.15, 0.15).build(rows, labels(), SEED)
                : new DatasetBuilder(0.15, 0.15).build(rows, List.of(), DatasetBuilder.OutputCheck.ANY, SEED);
        DatasetBuilder.NearDuplicateReport report = built.split().nearDuplicates();
        System.out.printf("%s: %d kept, %d train / %d validation / %d test; %s, test overlap %.3f%n", sample,
                built.split().total(), built.train().size(), built.validation().size(), built.test().size(), report,
                report.testOverlapRate());
        assertThat(report.testRowsChecked()).isEqualTo(built.test().size()); // small: every test row checked
        assertThat(report.testOverlapRate()).isLessThanOrEqualTo(0.05);
        // the held-out splits keep their size: groups are small enough to fit
        assertThat(built.test().size()).isBetween((int) (built.split().total() * 0.12),
                (int) Math.ceil(built.split().total() * 0.16));
        assertThat(report.leakage(0.05).flagged()).isFalse();
    }

    /**
     * The audit on a split that leaks (by feedback id, near-duplicates ignored) against a brute-force check of
     * every test row against every train row by exact Jaccard: the same count.
     */
    @Test
    void theAuditAgreesWithABruteForceExactJaccardCheck() {
        List<IdealOutput> rows = sample("support-ticket-routing");
        NearDuplicates near = new NearDuplicates();
        rows.forEach(row -> near.add(row.feedbackId(), row.input()));
        byte[] splitOf = new byte[rows.size()];
        for (int row = 0; row < rows.size(); row++) {
            long position = Math.floorMod(DatasetBuilder.mix(SEED, rows.get(row).feedbackId()), 100);
            splitOf[row] = (byte) (position < 15 ? 2 : position < 30 ? 1 : 0);
        }
        LeakageAudit audit = new LeakageAudit(rows.size(), near.signatures(), splitOf,
                row -> rows.get(row).feedbackId(), NearDuplicates.DEFAULT_THRESHOLD);
        for (int row = 0; row < rows.size(); row++) {
            if (audit.needs(row)) {
                audit.text(row, rows.get(row).input());
            }
        }
        LeakageAudit.Result result = audit.result();

        List<long[]> sets = rows.stream().map(row -> NearDuplicates.shingleSet(row.input())).toList();
        int testRows = 0;
        int withTrain = 0;
        int withOther = 0;
        for (int test = 0; test < rows.size(); test++) {
            if (splitOf[test] != 2) {
                continue;
            }
            testRows++;
            boolean train = false;
            boolean other = false;
            for (int row = 0; row < rows.size(); row++) {
                if (splitOf[row] != 2 && LeakageAudit.exactJaccard(sets.get(test), sets.get(row)) >= 0.7) {
                    other = true;
                    train |= splitOf[row] == 0;
                }
            }
            withTrain += train ? 1 : 0;
            withOther += other ? 1 : 0;
        }
        System.out.printf("leaky split: brute force %d of %d test rows with a train near-duplicate (%d in another "
                + "split); audit %s%n", withTrain, testRows, withOther, result);
        assertThat(withTrain).isPositive(); // the split by feedback id does leak
        assertThat(result.testRowsChecked()).isEqualTo(testRows);
        assertThat(result.withTrainNeighbour()).isEqualTo(withTrain);
        assertThat(result.withNeighbourInOtherSplit()).isEqualTo(withOther);
    }

    private static List<String> labels() {
        try (InputStream in = LeakageAwareSplitTest.class.getResourceAsStream(
                "/sample/support-ticket-routing/labels.json")) {
            List<String> labels = new ArrayList<>();
            JSON.readTree(in).forEach(node -> labels.add(node.get("label").asText()));
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample's interactions as ideal outputs: the true label or output, ids from the interaction's number. */
    private static List<IdealOutput> sample(String sample) {
        String resource = "/sample/" + sample + "/interactions.jsonl";
        try (InputStream in = LeakageAwareSplitTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<IdealOutput> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                long id = Long.parseLong(node.get("id").asText().replaceAll("\\D", ""));
                JsonNode ideal = node.has("trueLabel") ? node.get("trueLabel") : node.has("trueOutput")
                        ? node.get("trueOutput") : node.get("output");
                String output = ideal.isTextual() ? ideal.asText() : ideal.toString();
                rows.add(new IdealOutput(id, id, node.get("input").asText(), output));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
