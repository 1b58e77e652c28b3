package org.hybridllm.lifecycle.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hybridllm.lifecycle.feedback.FeedbackRepository.IdealOutput;
import org.junit.jupiter.api.Test;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

class DatasetBuilderTest {

    final PiiScrubber scrubber = new PiiScrubber();

    @Test
    void scrubsEmailsAndPhoneNumbersButNotAmountsDatesOrOrderNumbers() {
        PiiScrubber.Scrubbed s = scrubber.scrub("Mail maria.lopez@example.com or call +44 20 7946 0958, "
                + "(415) 555-0132 or 555-867-5309 about order 48213 of 2026-03-14 for $129.99 (v2.3.1)");
        assertThat(s.text()).isEqualTo("Mail [EMAIL] or call [PHONE], [PHONE] or [PHONE] about order 48213 of "
                + "2026-03-14 for $129.99 (v2.3.1)");
        assertThat(s.emails()).isEqualTo(1);
        assertThat(s.phones()).isEqualTo(3);
    }

    @Test
    void thePhonePrecheckPassesEveryPhoneFormatAndSkipsTextsWithoutSevenJoinedDigits() {
        for (String phone : List.of("+44 20 7946 0958", "(415) 555-0132", "555-867-5309", "+1-202-555-0187",
                "020 7946 0958", "+44 (20) 7946 0958", "555.867.5309")) {
            String text = "Call me on " + phone + ", thanks";
            assertThat(PiiScrubber.mayHoldPhone(text)).as(phone).isTrue();
            assertThat(scrubber.scrub(text).text()).as(phone).isEqualTo("Call me on [PHONE], thanks");
        }
        // the pattern would not match these either: no seven digits joined by separators
        assertThat(PiiScrubber.mayHoldPhone("Ticket 123456: my order 98765 has a problem")).isFalse();
        assertThat(PiiScrubber.mayHoldPhone("order 1234, qty 567 and 890")).isFalse();
        assertThat(PiiScrubber.mayHoldPhone("1 2 3 - 4 5 6   7")).isFalse();
    }

    @Test
    void theDuplicateKeyIgnoresCaseAndWhitespaceRunsButNotWordBoundaries() {
        long key = DatasetBuilder.normalisedHash("My card was charged twice");
        assertThat(DatasetBuilder.normalisedHash("  my CARD was \t\n charged twice ")).isEqualTo(key);
        assertThat(DatasetBuilder.normalisedHash("My card was charged  twice.")).isNotEqualTo(key);
        assertThat(DatasetBuilder.normalisedHash("Mycard was charged twice")).isNotEqualTo(key);
        assertThat(DatasetBuilder.normalisedHash("ÉCOLE")).isEqualTo(DatasetBuilder.normalisedHash("école"));
    }

    @Test
    void ofThreeOrMoreRepeatsTheLatestWinsAndUniqueTextsAllStay() {
        List<IdealOutput> rows = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String text = i % 4 == 0 ? "Repeated question" : i % 5 == 0 ? "Other repeat" : "Unique " + i;
            rows.add(new IdealOutput(i, i, text, i == 40 ? "refund" : i == 35 ? "shipping" : "billing"));
        }
        DatasetBuilder.InMemory built = new DatasetBuilder(0.0, 0.5).build(rows, List.of("billing", "refund",
                "shipping"), 7);
        List<DatasetBuilder.Example> all = new ArrayList<>(built.train());
        all.addAll(built.test());
        // 10 "Repeated question" (4, 8, …, 40), 6 "Other repeat" (5, 10, 15, 25, 30, 35), 24 unique
        assertThat(all).filteredOn(e -> e.input().equals("Repeated question")).singleElement()
                .satisfies(e -> assertThat(e.feedbackId()).isEqualTo(40));
        assertThat(all).filteredOn(e -> e.input().equals("Other repeat")).singleElement()
                .satisfies(e -> assertThat(e.feedbackId()).isEqualTo(35));
        assertThat(all).filteredOn(e -> e.input().startsWith("Unique")).hasSize(24);
        assertThat(built.split().duplicatesRemoved()).isEqualTo(9 + 5);
    }

    @Test
    void freeOutputsAreCheckedKeptWithTheOutputTheyReplacedAndSplitByAStableHash() {
        List<IdealOutput> rows = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            String ideal = i % 10 == 0 ? "not an object" : "{\"action\":\"refund\",\"n\":" + i + "}";
            String rejected = i % 3 == 0 ? "{\"action\":\"cancel\"}" : null;
            rows.add(new IdealOutput(i, i, words(i) + ", mail me at a" + i + "@example.com", ideal, rejected));
        }
        DatasetBuilder.OutputCheck objectsOnly = output -> output.startsWith("{");
        DatasetBuilder.InMemory built = new DatasetBuilder(0.1, 0.2).build(rows, List.of(), objectsOnly, 11);
        assertThat(built.split().invalidExcluded()).isEqualTo(20);
        assertThat(built.split().unknownLabelsDropped()).isZero();
        assertThat(built.split().total()).isEqualTo(180);
        assertThat(built.split().labelDistribution()).isEmpty();
        assertThat(built.test()).hasSize(36);
        assertThat(built.validation()).hasSize(18);
        List<DatasetBuilder.Example> all = new ArrayList<>(built.train());
        all.addAll(built.validation());
        all.addAll(built.test());
        // outputs travel as they were given, the replaced output with them; inputs are scrubbed
        assertThat(all).allSatisfy(e -> {
            long n = e.feedbackId();
            assertThat(e.output()).isEqualTo("{\"action\":\"refund\",\"n\":" + n + "}");
            assertThat(e.rejectedOutput()).isEqualTo(n % 3 == 0 ? "{\"action\":\"cancel\"}" : null);
            assertThat(e.input()).doesNotContain("@example.com");
        });
        // the same seed gives the same split, another seed another one
        DatasetBuilder.InMemory again = new DatasetBuilder(0.1, 0.2).build(rows, List.of(), objectsOnly, 11);
        DatasetBuilder.InMemory other = new DatasetBuilder(0.1, 0.2).build(rows, List.of(), objectsOnly, 12);
        assertThat(again.test()).extracting(DatasetBuilder.Example::feedbackId)
                .containsExactlyElementsOf(built.test().stream().map(DatasetBuilder.Example::feedbackId).toList());
        assertThat(other.test()).extracting(DatasetBuilder.Example::feedbackId)
                .isNotEqualTo(built.test().stream().map(DatasetBuilder.Example::feedbackId).toList());
    }

    @Test
    void deduplicatesIgnoringCaseAndWhitespaceAndTheLatestFeedbackWins() {
        List<IdealOutput> rows = List.of(
                new IdealOutput(1, 1, "My card was charged twice", "billing"),
                new IdealOutput(2, 2, "  my CARD was   charged twice ", "refund"),
                new IdealOutput(3, 3, "Where is my parcel?", "shipping"),
                new IdealOutput(4, 4, "Something odd", "not-a-label"));
        DatasetBuilder.InMemory built = new DatasetBuilder(0.0, 0.5).build(rows, List.of("billing", "refund",
                "shipping"), 7);
        assertThat(built.split().duplicatesRemoved()).isEqualTo(1);
        assertThat(built.split().unknownLabelsDropped()).isEqualTo(1);
        assertThat(built.split().total()).isEqualTo(2);
        List<DatasetBuilder.Example> all = new ArrayList<>(built.train());
        all.addAll(built.test());
        assertThat(all).extracting(DatasetBuilder.Example::label).containsExactlyInAnyOrder("refund", "shipping");
        assertThat(all).extracting(DatasetBuilder.Example::input).contains("my CARD was   charged twice");
    }

    @Test
    void splitIsStratifiedAndTheSameForTheSameSeed() {
        List<IdealOutput> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new IdealOutput(i, i, words(i) + " about " + (i % 2 == 0 ? "money" : "parcels"),
                    i % 2 == 0 ? "billing" : "shipping"));
        }
        DatasetBuilder builder = new DatasetBuilder(0.15, 0.15);
        DatasetBuilder.InMemory a = builder.build(rows, List.of("billing", "shipping"), 42);
        DatasetBuilder.InMemory b = builder.build(rows, List.of("billing", "shipping"), 42);
        DatasetBuilder.InMemory c = builder.build(rows, List.of("billing", "shipping"), 43);
        assertThat(a.test()).isEqualTo(b.test());
        assertThat(a.test()).isNotEqualTo(c.test());
        assertThat(a.test()).hasSize(16).filteredOn(e -> e.label().equals("billing")).hasSize(8);
        assertThat(a.validation()).hasSize(16);
        assertThat(a.train()).hasSize(68);
        assertThat(a.split().testIds()).containsExactly(a.test().stream()
                .mapToLong(DatasetBuilder.Example::feedbackId).toArray());
        assertThat(a.split().labelDistribution()).containsEntry("billing", 50).containsEntry("shipping", 50);
    }

    /**
     * A family of 40 near-identical texts (a digit apart) among 300 unrelated ones: each pair of a text and its
     * near-duplicate lands in one split, and the family, too large for a held-out split, goes to train, whole.
     */
    @Test
    void nearDuplicatesShareASplitAndALargeFamilyGoesToTrain() {
        List<IdealOutput> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new IdealOutput(i, i, words(i), i % 2 == 0 ? "billing" : "shipping"));
        }
        for (int i = 0; i < 60; i++) { // pairs: a text and the same with one word more
            String text = words(1000 + i);
            rows.add(new IdealOutput(400 + 2 * i, 400 + 2 * i, text, "billing"));
            rows.add(new IdealOutput(401 + 2 * i, 401 + 2 * i, text + " thanks", "billing"));
        }
        for (int i = 0; i < 40; i++) {
            rows.add(new IdealOutput(600 + i, 600 + i, "The parcel for order 1234" + (i % 10) + " arrived broken, "
                    + "the box was crushed and the lamp inside is shattered, please send a new one " + i, "shipping"));
        }
        DatasetBuilder.InMemory built = new DatasetBuilder(0.15, 0.15).build(rows, List.of("billing", "shipping"), 5);
        Map<Long, String> splitOf = new HashMap<>();
        built.train().forEach(e -> splitOf.put(e.feedbackId(), "train"));
        built.validation().forEach(e -> splitOf.put(e.feedbackId(), "validation"));
        built.test().forEach(e -> splitOf.put(e.feedbackId(), "test"));
        for (int i = 0; i < 60; i++) {
            assertThat(splitOf.get(401L + 2 * i)).as("pair %d", i).isEqualTo(splitOf.get(400L + 2 * i));
        }
        assertThat(IntStream.range(0, 60).mapToObj(i -> splitOf.get(400L + 2 * i)))
                .contains("test", "train"); // pairs are held out too
        for (int i = 0; i < 40; i++) {
            assertThat(splitOf.get(600L + i)).as("family member %d", i).isEqualTo("train");
        }
        DatasetBuilder.NearDuplicateReport report = built.split().nearDuplicates();
        assertThat(report.groups()).isEqualTo(61);
        assertThat(report.groupedRows()).isEqualTo(160);
        assertThat(report.largeGroupsToTrain()).isEqualTo(1);
        assertThat(report.testRowsWithTrainNeighbour()).isZero();
        // 15 % of each stratum (billing 270 rows: 41, shipping 190: 29 of which none from the family), whole groups
        assertThat(built.test()).hasSize(70);
    }

    /** Eight words drawn with the seed: texts of different seeds share next to no 5-character shingles. */
    private static String words(int seed) {
        String[] vocabulary = {"invoice", "parcel", "refund", "login", "crashed", "yesterday", "twice", "account",
                "delivery", "broken", "password", "charged", "printer", "monthly", "upgrade", "missing", "courier",
                "subscription", "voucher", "screen"};
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < 8; w++) {
            text.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return text.toString();
    }

    @Test
    void sortsParallelArraysByKeyThenValue() {
        Random random = new Random(1);
        int n = 10_000;
        long[] keys = new long[n];
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = random.nextInt(50) - 25L; // many equal keys, negative ones too
            values[i] = n - i;
        }
        DatasetBuilder.sortByKey(keys, values, 0, n - 1);
        for (int i = 1; i < n; i++) {
            assertThat(keys[i - 1] < keys[i] || (keys[i - 1] == keys[i] && values[i - 1] < values[i])).isTrue();
        }
    }
}
