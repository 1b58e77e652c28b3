package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummariesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fieldScoresCountWrongAgainstPrecisionAndRecall() {
        Map<String, FieldRule> rules = new LinkedHashMap<>();
        rules.put("a", FieldRule.exact());
        rules.put("b", FieldRule.exact());
        Scorer scorer = FieldMatchScorerTest.fieldMatch(rules);
        List<Verdict> verdicts = List.of(
                scorer.score(new ScoredExample("1", "{\"a\": 1, \"b\": 1}", "{\"a\": 1, \"b\": 1}")), // a ok, b ok
                scorer.score(new ScoredExample("2", "{\"a\": 1, \"b\": 1}", "{\"a\": 2}")),           // a wrong, b missing
                scorer.score(new ScoredExample("3", "{\"a\": 1}", "{\"a\": 1, \"b\": 5}")),           // a ok, b extra
                scorer.score(new ScoredExample("4", "{}", "{}")),                                     // both absent
                scorer.score(new ScoredExample("5", "not a record", "{}")));                          // not measured
        FieldMatchSummary summary = FieldMatchSummary.of(verdicts);

        assertThat(summary.records()).isEqualTo(5);
        assertThat(summary.strictMatches()).isEqualTo(2);
        assertThat(summary.strictMatchRate()).isCloseTo(0.4, within(1e-9));
        FieldMatchSummary.FieldScores a = summary.fields().get(0);
        // a: correct 2, wrong 1 -> precision 2/3, recall 2/3
        assertThat(a).extracting("field", "correct", "wrong", "missing", "extra", "absentBoth")
                .containsExactly("a", 2, 1, 0, 0, 1);
        assertThat(a.precision()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(a.recall()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(a.f1()).isCloseTo(2.0 / 3, within(1e-9));
        // b: correct 1, missing 1, extra 1 -> precision 1/2, recall 1/2
        FieldMatchSummary.FieldScores b = summary.fields().get(1);
        assertThat(b).extracting("correct", "wrong", "missing", "extra", "absentBoth").containsExactly(1, 0, 1, 1, 1);
        assertThat(b.precision()).isCloseTo(0.5, within(1e-9));
        assertThat(b.recall()).isCloseTo(0.5, within(1e-9));
        // micro: correct 3, wrong 1, missing 1, extra 1 -> precision 3/5, recall 3/5
        assertThat(summary.micro().precision()).isCloseTo(0.6, within(1e-9));
        assertThat(summary.micro().recall()).isCloseTo(0.6, within(1e-9));
        assertThat(summary.microF1()).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void aFieldNeverSeenHasNoScores() {
        Scorer scorer = FieldMatchScorerTest.fieldMatch(Map.of("a", FieldRule.exact()));
        FieldMatchSummary summary = FieldMatchSummary.of(List.of(scorer.score(new ScoredExample("1", "{}", "{}"))));
        assertThat(summary.fields().get(0).precision()).isNull();
        assertThat(summary.fields().get(0).f1()).isNull();
        assertThat(summary.strictMatchRate()).isEqualTo(1.0);
        assertThat(FieldMatchSummary.of(List.of()).strictMatchRate()).isNull();
    }

    @Test
    void summarisesVerdictsReadBackFromJson() throws Exception {
        // evaluations store verdicts as JSON; the summary must read them the same after the round trip
        Scorer scorer = FieldMatchScorerTest.fieldMatch(Map.of("a", FieldRule.exact()));
        Verdict verdict = scorer.score(new ScoredExample("1", "{\"a\": 1}", "{\"a\": 2}"));
        Verdict readBack = JSON.readValue(JSON.writeValueAsString(verdict), Verdict.class);
        assertThat(FieldMatchSummary.of(List.of(readBack))).isEqualTo(FieldMatchSummary.of(List.of(verdict)));
    }

    @Test
    void passRateAndMeanValuePerScorer() {
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(new Verdict("greets", "regex", 1.0, true, "", Map.of(), List.of()));
        verdicts.add(new Verdict("length", "max-length", 120.0, true, "", Map.of(), List.of()));
        verdicts.add(new Verdict("greets", "regex", 0.0, false, "", Map.of(), List.of()));
        verdicts.add(new Verdict("greets", "regex", 1.0, true, "", Map.of(), List.of()));
        verdicts.add(new Verdict("length", "max-length", 300.0, false, "", Map.of(), List.of()));
        verdicts.add(new Verdict("greets", "regex", null, false, "", Map.of(), List.of()));

        List<ScorerSummary> summaries = ScorerSummary.of(verdicts);
        assertThat(summaries).extracting(ScorerSummary::scorer).containsExactly("greets", "length");
        ScorerSummary greets = summaries.get(0);
        assertThat(greets).extracting("type", "examples", "passed", "measured").containsExactly("regex", 4, 2, 3);
        assertThat(greets.passRate()).isEqualTo(0.5);
        assertThat(greets.meanValue()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(summaries.get(1).meanValue()).isEqualTo(210.0);
        assertThat(summaries.get(1).passRate()).isEqualTo(0.5);
    }
}
