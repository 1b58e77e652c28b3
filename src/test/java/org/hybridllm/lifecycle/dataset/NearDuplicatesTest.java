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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NearDuplicatesTest {

    private static final long SPLIT_SEED = 20261124L;
    private static final double TEST_SHARE = 0.15;
    private static final double VALIDATION_SHARE = 0.15;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A sample's interactions, exact duplicates removed as the dataset build does (the latest kept). */
    private record Row(long id, String input) {
    }

    /**
     * Variants of sample inputs of over 80 characters (so a sentence of over 25 is shared): words added before
     * or after, a word removed, or both. Those at an exact Jaccard of 0.85 or more must all be grouped (the
     * estimate's standard error there is 0.045, 3 below the threshold); nearer the threshold most are.
     */
    @Test
    void plantedNearDuplicatesAreGroupedWithTheirOriginal() {
        List<Row> distinct = distinctInputs("support-ticket-routing");
        Random random = new Random(17);
        NearDuplicates near = new NearDuplicates();
        distinct.forEach(row -> near.add(row.id(), row.input()));
        String[] openers = {"Hi, ", "Hello again. ", "Quick question: ", "Please help! "};
        String[] closers = {" Thanks.", " Any update?", " Cheers", " This is urgent for us."};
        int planted = 0;
        int clear = 0;
        int clearGrouped = 0;
        int near075 = 0;
        int near075Grouped = 0;
        for (int original = 0; original < distinct.size() && planted < 100; original++) {
            String base = distinct.get(original).input();
            if (base.length() < 80) {
                continue;
            }
            int edits = 1 + random.nextInt(3); // bit 0: add words, bit 1: remove a word
            String variant = base;
            if ((edits & 2) != 0) {
                List<String> words = new ArrayList<>(Arrays.asList(variant.split(" ")));
                words.remove(1 + random.nextInt(words.size() - 2));
                variant = String.join(" ", words);
            }
            if ((edits & 1) != 0) {
                variant = random.nextBoolean() ? openers[random.nextInt(openers.length)] + variant
                        : variant + closers[random.nextInt(closers.length)];
            }
            int row = near.add(1_000_000 + original, variant);
            planted++;
            double exact = exactJaccard(base, variant);
            boolean grouped = near.groupOf(row) == near.groupOf(original);
            if (exact >= 0.85) {
                clear++;
                clearGrouped += grouped ? 1 : 0;
            } else if (exact >= 0.75) {
                near075++;
                near075Grouped += grouped ? 1 : 0;
            }
            if (!grouped) {
                System.out.printf("planted pair not grouped: exact Jaccard %.2f, estimated %.2f%n", exact,
                        near.estimatedJaccard(row, original));
            }
        }
        System.out.printf("planted near-duplicates: %d; at Jaccard 0.85+ %d of %d grouped, at 0.75-0.85 %d of %d%n",
                planted, clearGrouped, clear, near075Grouped, near075);
        assertThat(planted).isEqualTo(100);
        assertThat(clear).isGreaterThan(30);
        assertThat(clearGrouped).isEqualTo(clear);
        assertThat(near075Grouped).isGreaterThanOrEqualTo((int) Math.ceil(near075 * 0.7));
    }

    @Test
    void unrelatedInputsAreNotTakenForNearDuplicates() {
        List<Row> distinct = distinctInputs("support-ticket-routing");
        NearDuplicates near = new NearDuplicates();
        distinct.forEach(row -> near.add(row.id(), row.input()));
        List<long[]> sets = distinct.stream().map(row -> NearDuplicates.shingleSet(row.input())).toList();
        long unrelatedPairs = 0;
        long unrelatedConfirmed = 0;
        long unrelatedGrouped = 0;
        long similarPairs = 0;
        long similarGrouped = 0;
        for (int a = 0; a < distinct.size(); a++) {
            for (int b = a + 1; b < distinct.size(); b++) {
                double exact = exactJaccard(sets.get(a), sets.get(b));
                boolean together = near.groupOf(a) == near.groupOf(b);
                if (exact < 0.5) {
                    unrelatedPairs++;
                    if (near.estimatedJaccard(a, b) >= NearDuplicates.DEFAULT_THRESHOLD) {
                        unrelatedConfirmed++;
                    }
                    if (together) {
                        unrelatedGrouped++;
                    }
                } else if (exact >= 0.8) {
                    similarPairs++;
                    if (together) {
                        similarGrouped++;
                    }
                }
            }
        }
        double confirmedRate = (double) unrelatedConfirmed / unrelatedPairs;
        System.out.printf("routing, %d distinct inputs, %d groups: of %d pairs under Jaccard 0.5, %d (%.2e) pass "
                        + "the estimate, %d share a group (transitively); of %d pairs at 0.8 or more, %d grouped%n",
                distinct.size(), near.groupCount(), unrelatedPairs, unrelatedConfirmed, confirmedRate,
                unrelatedGrouped, similarPairs, similarGrouped);
        assertThat(confirmedRate).isLessThan(1e-4);
        assertThat(similarGrouped).isGreaterThanOrEqualTo(Math.round(similarPairs * 0.95));
    }

    @Test
    void theSameRowsGiveTheSameGroups() {
        List<Row> rows = distinctInputs("support-reply");
        NearDuplicates first = new NearDuplicates();
        NearDuplicates second = new NearDuplicates();
        rows.forEach(row -> first.add(row.id(), row.input()));
        rows.forEach(row -> second.add(row.id(), row.input()));
        int[] firstGroups = new int[rows.size()];
        int[] secondGroups = new int[rows.size()];
        for (int row = 0; row < rows.size(); row++) {
            firstGroups[row] = first.groupOf(row);
            secondGroups[row] = second.groupOf(row);
            assertThat(second.groupKey(row)).isEqualTo(first.groupKey(row));
        }
        assertThat(secondGroups).isEqualTo(firstGroups);
        int[] signature = new int[NearDuplicates.BANDS];
        NearDuplicates.signature("  The Box arrived   CRUSHED. ", signature, 0);
        int[] again = new int[NearDuplicates.BANDS];
        NearDuplicates.signature("the box arrived crushed.", again, 0);
        assertThat(again).isEqualTo(signature); // normalised as the exact de-duplication normalises
    }

    @Test
    void aTextAndAnUnrelatedOneEstimateAsExpected() {
        NearDuplicates near = new NearDuplicates();
        int a = near.add(1, "The box arrived crushed and the contents are damaged, please send a replacement.");
        int b = near.add(2, "Hey, the box arrived crushed and the contents are damaged, please send a replacement.");
        int c = near.add(3, "My colleague left and we need access to her admin account on the Business tier.");
        assertThat(near.estimatedJaccard(a, b)).isGreaterThan(0.7);
        assertThat(near.estimatedJaccard(a, c)).isLessThan(0.2);
        assertThat(near.groupOf(b)).isEqualTo(a);
        assertThat(near.groupKey(b)).isEqualTo(1);
        assertThat(near.groupOf(c)).isEqualTo(c);
        assertThat(near.groupCount()).isEqualTo(2);
    }

    /** Measures (and prints) the groups and the leakage of the split the dataset build makes today. */
    @ParameterizedTest
    @ValueSource(strings = {"support-ticket-routing", "support-ticket-extraction", "support-reply"})
    void measuresTheLeakageOfTheFeedbackIdSplitOnTheSamples(String sample) {
        List<Row> rows = distinctInputs(sample);
        NearDuplicates near = new NearDuplicates();
        long started = System.nanoTime();
        rows.forEach(row -> near.add(row.id(), row.input()));
        int groups = near.groupCount();
        double millis = (System.nanoTime() - started) / 1e6;

        byte[] byFeedbackId = split(rows.size(), row -> rows.get(row).id());
        NearDuplicates.LeakageReport today = near.report(byFeedbackId);
        byte[] byGroup = split(rows.size(), near::groupKey);
        NearDuplicates.LeakageReport grouped = near.report(byGroup);
        System.out.printf("%s: %d distinct inputs, %d groups (%d rows in groups of 2+), %.1f ms "
                        + "(%.1f ms per 1,000 rows, warm-up included)%n  split by feedback id: %s%n"
                        + "  split by group key:   %s%n",
                sample, rows.size(), groups, rowsInGroups(near), millis, millis * 1000 / rows.size(), today, grouped);

        System.out.printf("  test rows sharing a sentence of over 25 characters with a train row (the issue's "
                + "measure), split by feedback id: %d of %d%n", testRowsSharingASentence(rows, byFeedbackId),
                today.testRows());
        for (double threshold : new double[] {0.5, 0.3}) {
            NearDuplicates looser = new NearDuplicates(threshold);
            rows.forEach(row -> looser.add(row.id(), row.input()));
            System.out.printf("  at threshold %.1f: %d groups; split by feedback id: %s%n", threshold,
                    looser.groupCount(), looser.report(byFeedbackId));
        }

        assertThat(groups).isBetween(1, rows.size());
        assertThat(today.testRows()).isPositive();
        assertThat(today.testOverlapRate()).isBetween(0.0, 1.0);
        assertThat(grouped.nearDuplicatesAcrossSplits()).isZero(); // a group hashed as one lands in one split
        assertThat(grouped.testOverlapRate()).isZero();
    }

    @Test
    void measuresTheTimePerThousandRows() {
        List<Row> rows = distinctInputs("support-ticket-routing");
        for (int round = 0; round < 5; round++) { // the last rounds after the JIT has compiled the hot loops
            NearDuplicates near = new NearDuplicates();
            long started = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                Row row = rows.get(i % rows.size());
                near.add(i, row.input() + " #" + i);
            }
            int groups = near.groupCount();
            double millis = (System.nanoTime() - started) / 1e6;
            System.out.printf("10,000 rows: %.1f ms, %.2f ms per 1,000 rows (signature and grouping), %d groups%n",
                    millis, millis / 10, groups);
            assertThat(groups).isLessThanOrEqualTo(rows.size() + 10);
        }
    }

    /**
     * As the dataset build splits free outputs: ordered by a hash of (seed, key), test first, then validation; rows
     * with equal keys (a group) go whole to the split of their first row, so a group never straddles a boundary.
     */
    private static byte[] split(int rows, IntToLongFunction keyOf) {
        long[] keys = new long[rows];
        int[] order = new int[rows];
        for (int row = 0; row < rows; row++) {
            keys[row] = DatasetBuilder.mix(SPLIT_SEED, keyOf.applyAsLong(row)) >>> 8;
            order[row] = row;
        }
        DatasetBuilder.sortByKey(keys, order, 0, rows - 1);
        int testCount = (int) Math.round(rows * TEST_SHARE);
        int validationCount = (int) Math.round(rows * VALIDATION_SHARE);
        byte[] splitOf = new byte[rows];
        byte split = 0;
        for (int position = 0; position < rows; position++) {
            if (position == 0 || keys[position] != keys[position - 1]) {
                split = (byte) (position < testCount ? 2 : position < testCount + validationCount ? 1 : 0);
            }
            splitOf[order[position]] = split;
        }
        return splitOf;
    }

    private static int testRowsSharingASentence(List<Row> rows, byte[] splitOf) {
        Set<String> trainSentences = new HashSet<>();
        for (int row = 0; row < rows.size(); row++) {
            if (splitOf[row] == 0) {
                trainSentences.addAll(longSentences(rows.get(row).input()));
            }
        }
        int sharing = 0;
        for (int row = 0; row < rows.size(); row++) {
            if (splitOf[row] == 2 && longSentences(rows.get(row).input()).stream().anyMatch(trainSentences::contains)) {
                sharing++;
            }
        }
        return sharing;
    }

    private static List<String> longSentences(String text) {
        return Arrays.stream(text.toLowerCase().split("[.!?]+\\s*"))
                .map(sentence -> sentence.strip().replaceAll("\\s+", " "))
                .filter(sentence -> sentence.length() > 25)
                .toList();
    }

    private static int rowsInGroups(NearDuplicates near) {
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        for (int row = 0; row < near.size(); row++) {
            sizes.merge(near.groupOf(row), 1, Integer::sum);
        }
        return sizes.values().stream().filter(size -> size > 1).mapToInt(Integer::intValue).sum();
    }

    private static double exactJaccard(String a, String b) {
        return exactJaccard(NearDuplicates.shingleSet(a), NearDuplicates.shingleSet(b));
    }

    private static double exactJaccard(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }

    /**
     * The sample's interaction inputs with ids from their number ({@code int-00042} → 42), exact duplicates (as
     * {@link DatasetBuilder#normalisedHash} sees them) removed, the latest kept, in id order.
     */
    private static List<Row> distinctInputs(String sample) {
        String resource = "/sample/" + sample + "/interactions.jsonl";
        try (InputStream in = NearDuplicatesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<Row> all = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                long id = Long.parseLong(node.get("id").asText().replaceAll("\\D", ""));
                all.add(new Row(id, node.get("input").asText()));
            }
            Set<Long> seen = new HashSet<>();
            List<Row> distinct = new ArrayList<>();
            for (int i = all.size() - 1; i >= 0; i--) {
                if (seen.add(DatasetBuilder.normalisedHash(all.get(i).input()))) {
                    distinct.add(all.get(i));
                }
            }
            distinct.sort((x, y) -> Long.compare(x.id(), y.id()));
            return distinct;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
