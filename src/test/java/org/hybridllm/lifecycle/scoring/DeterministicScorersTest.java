package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeterministicScorersTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Two-dimensional "embeddings" whose cosines are known: the angle is the text's length in degrees. */
    static final TextEmbedder BY_LENGTH = text -> {
        double angle = Math.toRadians(text.length());
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    };
    static final Scorers SCORERS = new Scorers(BY_LENGTH);

    static Scorer scorer(String json) {
        return scorer(json, ScoringContext.empty());
    }

    static Scorer scorer(String json, ScoringContext context) {
        try {
            return SCORERS.create(List.of(JSON.readValue(json, ScorerSpec.class)), context).get(0);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Verdict score(Scorer scorer, String expected, String output) {
        return scorer.score(new ScoredExample("input", expected, output));
    }

    @Test
    void equalsComparesWithTheExpectedLabel() {
        Scorer strict = scorer("{\"type\":\"equals\"}");
        Verdict right = score(strict, "billing", "billing");
        assertThat(right.passed()).isTrue();
        assertThat(right.value()).isEqualTo(1.0);
        assertThat(right.scorer()).isEqualTo("equals");
        Verdict wrong = score(strict, "billing", "Billing ");
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.value()).isEqualTo(0.0);
        assertThat(wrong.explanation()).isEqualTo("expected \"billing\", got \"Billing \"");

        Scorer lenient = scorer("{\"type\":\"equals\",\"ignoreCase\":true,\"ignoreWhitespace\":true}");
        assertThat(score(lenient, "credit  card", " Credit\tCard\n").passed()).isTrue();
        assertThat(score(lenient, "credit card", "creditcard").passed()).isFalse();
    }

    @Test
    void withoutAReferenceNothingIsMeasured() {
        for (String type : List.of("equals", "similar", "chrf", "rouge-l", "field-match")) {
            Verdict verdict = score(scorer("{\"type\":\"" + type + "\"}"), null, "anything");
            assertThat(verdict.passed()).as(type).isFalse();
            assertThat(verdict.value()).as(type).isNull();
            assertThat(verdict.explanation()).as(type).contains("no ");
        }
    }

    @Test
    void containsLooksForTheValueOrTheExpectedOutput() {
        Scorer refund = scorer("{\"type\":\"contains\",\"name\":\"mentions refund\",\"value\":\"refund\"}");
        assertThat(score(refund, null, "We will refund you.").passed()).isTrue();
        Verdict missing = score(refund, null, "We will REFUND you.");
        assertThat(missing.passed()).isFalse();
        assertThat(missing.scorer()).isEqualTo("mentions refund");
        assertThat(missing.explanation()).isEqualTo("output does not contain \"refund\"");
        assertThat(score(scorer("{\"type\":\"contains\",\"value\":\"refund\",\"ignoreCase\":true}"), null,
                "We will REFUND you.").passed()).isTrue();
        assertThat(score(scorer("{\"type\":\"contains\"}"), "ORD-7", "Your order ORD-7 shipped").passed()).isTrue();
    }

    @Test
    void regexFindsThePatternAnywhereUnlessAnchored() {
        Scorer greets = scorer("{\"type\":\"regex\",\"name\":\"greets\",\"pattern\":\"^(Hi|Hello)\\\\b\"}");
        Verdict hit = score(greets, null, "Hello Anna, thanks for writing.");
        assertThat(hit.passed()).isTrue();
        assertThat(hit.explanation()).contains("\"Hello\"");
        assertThat(score(greets, null, "Dear Anna, hello.").passed()).isFalse();
        assertThat(score(scorer("{\"type\":\"regex\",\"pattern\":\"ord-\\\\d+\",\"ignoreCase\":true}"), null,
                "see ORD-12").passed()).isTrue();
    }

    @Test
    void isJsonIsStrict() {
        Scorer isJson = scorer("{\"type\":\"is-json\"}");
        assertThat(score(isJson, null, " {\"a\": [1, 2]} ").passed()).isTrue();
        assertThat(score(isJson, null, "42").explanation()).isEqualTo("output is JSON (number)");
        for (String notJson : List.of("", "{\"a\": 1} trailing", "```json\n{\"a\": 1}\n```", "{'a': 1}", "{\"a\":")) {
            Verdict verdict = score(isJson, null, notJson);
            assertThat(verdict.passed()).as(notJson).isFalse();
            assertThat(verdict.explanation()).as(notJson).startsWith("output is not JSON");
        }
    }

    @Test
    void jsonSchemaListsTheViolations() throws Exception {
        ScoringContext context = new ScoringContext(JSON.readTree("""
                {"type": "object", "required": ["orderId", "amount"],
                 "properties": {"orderId": {"type": "string"}, "amount": {"type": "number"}}}
                """), Map.of(), List.of(), null);
        Scorer schema = scorer("{\"type\":\"json-schema\"}", context);
        assertThat(score(schema, null, "{\"orderId\": \"A1\", \"amount\": 3}").passed()).isTrue();
        Verdict bad = score(schema, null, "{\"amount\": \"three\"}");
        assertThat(bad.passed()).isFalse();
        assertThat(bad.value()).isEqualTo(0.0);
        assertThat(bad.explanation()).startsWith("2 violations: ").contains("orderId").contains("/amount");
        assertThat((List<?>) bad.details().get("violations")).hasSize(2);
        assertThat(score(schema, null, "not json").explanation()).startsWith("1 violation: not JSON");

        Scorer own = scorer("{\"type\":\"json-schema\",\"schema\":{\"type\":\"array\",\"maxItems\":1}}");
        assertThat(score(own, null, "[1]").passed()).isTrue();
        assertThat(score(own, null, "[1, 2]").explanation()).contains("at most 1");
    }

    @Test
    void maxLengthCountsCharactersNotUtf16Units() {
        Scorer tweet = scorer("{\"type\":\"max-length\",\"max\":3}");
        Verdict emoji = score(tweet, null, "😀😀😀");
        assertThat(emoji.value()).isEqualTo(3.0);
        assertThat(emoji.passed()).isTrue();
        Verdict longer = score(tweet, null, "four");
        assertThat(longer.passed()).isFalse();
        assertThat(longer.explanation()).isEqualTo("4 characters, over the limit of 3");
    }

    @Test
    void latencyAndCostLimits() {
        Scorer latency = scorer("{\"type\":\"latency\",\"maxMs\":1000}");
        Verdict slow = latency.score(new ScoredExample("in", null, "out", 1520, null, null));
        assertThat(slow.passed()).isFalse();
        assertThat(slow.value()).isEqualTo(1520.0);
        assertThat(slow.explanation()).isEqualTo("1520 ms, over the limit of 1000 ms");
        assertThat(latency.score(new ScoredExample("in", null, "out", 1000, null, null)).passed()).isTrue();

        Scorer cost = scorer("{\"type\":\"cost\",\"maxUsd\":0.01}");
        Verdict cheap = cost.score(new ScoredExample("in", null, "out", 5, new BigDecimal("0.0042"), null));
        assertThat(cheap.passed()).isTrue();
        assertThat(cheap.value()).isEqualTo(0.0042);
        assertThat(cheap.explanation()).isEqualTo("$0.0042, within the limit of $0.01");
        assertThat(cost.score(new ScoredExample("in", null, "out", 5, new BigDecimal("0.0100001"), null)).passed())
                .isFalse();
        assertThat(cost.score(new ScoredExample("in", null, "out", 5, BigDecimal.ZERO, null)).passed()).isTrue();
        Verdict unknown = cost.score(new ScoredExample("in", null, "out"));
        assertThat(unknown.passed()).isFalse();
        assertThat(unknown.value()).isNull();
        assertThat(unknown.explanation()).contains("no cost recorded");
    }

    @Test
    void similarIsTheCosineOfTheEmbeddingsAgainstTheThreshold() {
        // 10 and 40 characters: 30 degrees apart, cosine 0.866
        String ten = "0123456789";
        String forty = ten.repeat(4);
        Verdict byDefault = score(scorer("{\"type\":\"similar\"}"), ten, forty);
        assertThat(byDefault.value()).isCloseTo(Math.cos(Math.toRadians(30)), within(1e-6));
        assertThat(byDefault.passed()).isFalse();
        assertThat(byDefault.explanation()).startsWith("cosine similarity 0.866 < 0.90");
        Verdict lower = score(scorer("{\"type\":\"similar\",\"threshold\":0.85}"), ten, forty);
        assertThat(lower.passed()).isTrue();
        assertThat(score(scorer("{\"type\":\"similar\"}"), ten, "9876543210").value()).isCloseTo(1, within(1e-6));
        assertThat(score(scorer("{\"type\":\"similar\"}"), ten, " ").passed()).isFalse();
    }

    @Test
    void theSameTextIsSimilarWithoutEmbedding() {
        Scorer similar = new Scorers(text -> {
            throw new AssertionError("embedded " + text);
        }).create(List.of(ScorerSpec.of("similar")), ScoringContext.empty()).get(0);
        Verdict verdict = score(similar, "Your refund is on its way.", "Your refund is on its way.");
        assertThat(verdict.value()).isEqualTo(1.0);
        assertThat(verdict.passed()).isTrue();
    }

    @Test
    void anEmbedderThatFailsFailsTheVerdictNotTheRun() {
        Scorer similar = new Scorers(text -> {
            throw new IllegalStateException("model not loaded");
        }).create(List.of(ScorerSpec.of("similar")), ScoringContext.empty()).get(0);
        Verdict verdict = score(similar, "a", "b");
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).contains("model not loaded");
    }

    @Test
    void chrfAndRougeLReportTheirScoreAndPassAtTheThreshold() {
        String reference = "testing one two";
        Verdict rouge = score(scorer("{\"type\":\"rouge-l\",\"threshold\":0.8}"), reference, "testing one");
        assertThat(rouge.value()).isCloseTo(0.8, within(1e-9));
        assertThat(rouge.passed()).isTrue();
        assertThat((Double) rouge.details().get("recall")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(score(scorer("{\"type\":\"rouge-l\",\"threshold\":0.81}"), reference, "testing one").passed())
                .isFalse();

        Verdict same = score(scorer("{\"type\":\"chrf\",\"threshold\":99}"), reference, reference);
        assertThat(same.value()).isCloseTo(100, within(1e-9));
        assertThat(same.passed()).isTrue();
        Verdict informational = score(scorer("{\"type\":\"chrf\"}"), "abc", "xyz");
        assertThat(informational.value()).isEqualTo(0.0);
        assertThat(informational.passed()).isTrue();
        assertThat(informational.explanation()).isEqualTo("chrF2 0.0 (no threshold set)");
    }
}
