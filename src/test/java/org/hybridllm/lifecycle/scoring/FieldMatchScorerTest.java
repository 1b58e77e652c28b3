package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMatchScorerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, FieldRule> TICKET_RULES = rules();

    static Map<String, FieldRule> rules() {
        Map<String, FieldRule> rules = new LinkedHashMap<>();
        rules.put("orderId", FieldRule.exact().asCritical());
        rules.put("product", FieldRule.normalised());
        rules.put("amount", FieldRule.numeric(0.01));
        rules.put("due", FieldRule.date());
        rules.put("tags", FieldRule.set());
        rules.put("customer.name", FieldRule.normalised());
        return rules;
    }

    static Scorer fieldMatch(Map<String, FieldRule> rules) {
        return new Scorers(text -> new float[0]).create(List.of(ScorerSpec.of("field-match")),
                new ScoringContext(null, rules, List.of(), null)).get(0);
    }

    @SuppressWarnings("unchecked")
    static String outcome(Verdict verdict, String field) {
        Map<String, Object> fields = (Map<String, Object>) verdict.details().get("fields");
        return (String) ((Map<String, Object>) fields.get(field)).get("outcome");
    }

    @Test
    void eachRuleForgivesWhatItShould() {
        Verdict verdict = fieldMatch(TICKET_RULES).score(new ScoredExample("ticket",
                """
                {"orderId": "ORD-7", "product": "Wireless Mouse", "amount": 1234.5, "due": "2024-03-05",
                 "tags": ["refund", "urgent"], "customer": {"name": "Zoë O'Brien"}}""",
                """
                {"orderId": "ORD-7", "product": "  wireless  MOUSE.", "amount": "$1,234.50", "due": "March 5th, 2024",
                 "tags": "Urgent; refund", "customer": {"name": "ZOË OBRIEN"}}"""));
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.value()).isEqualTo(1.0);
        assertThat(verdict.explanation()).isEqualTo("all 6 fields right");
        assertThat(outcome(verdict, "customer.name")).isEqualTo("match");
    }

    @Test
    void outcomesAreCountedApartAndACriticalMissIsNamed() {
        Verdict verdict = fieldMatch(TICKET_RULES).score(new ScoredExample("ticket",
                "{\"orderId\": \"ORD-7\", \"amount\": 12.5, \"due\": \"05/03/2024\", \"tags\": null}",
                "{\"amount\": 12.52, \"due\": \"2024-05-04\", \"product\": \"Mouse\", \"tags\": []}"));
        assertThat(outcome(verdict, "orderId")).isEqualTo("missing");
        assertThat(outcome(verdict, "amount")).isEqualTo("wrong");      // 0.02 off, tolerance 0.01
        assertThat(outcome(verdict, "due")).isEqualTo("wrong");         // 05/03 is read month first: 3 May
        assertThat(outcome(verdict, "product")).isEqualTo("extra");
        assertThat(outcome(verdict, "tags")).isEqualTo("absent-both");  // null and [] are both absent
        assertThat(outcome(verdict, "customer.name")).isEqualTo("absent-both");
        assertThat(verdict.value()).isCloseTo(2.0 / 6, within(1e-9));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).startsWith("2 of 6 fields right; critical field orderId not right")
                .contains("wrong: amount (expected \"12.5\", got \"12.52\")")
                .contains("missing: orderId")
                .contains("not expected: product (\"Mouse\")");
        assertThat(verdict.details().get("criticalMisses")).isEqualTo(List.of("orderId"));
    }

    @Test
    void datesInCommonFormsAreOneDay() {
        Map<String, FieldRule> due = Map.of("due", FieldRule.date());
        for (String written : List.of("2024-03-05", "2024-03-05T23:30:00-08:00", "20240305", "3/5/2024",
                "05.03.2024", "5 March 2024", "5 Mar 2024", "March 5, 2024", "Tuesday, March 5, 2024", "25/12/2024")) {
            String expected = written.equals("25/12/2024") ? "2024-12-25" : "2024-03-05";
            Verdict verdict = fieldMatch(due).score(new ScoredExample("x", "{\"due\": \"" + expected + "\"}",
                    "{\"due\": \"" + written + "\"}"));
            assertThat(verdict.passed()).as(written).isTrue();
        }
        Verdict dayLate = fieldMatch(due).score(new ScoredExample("x", "{\"due\": \"2024-03-05\"}",
                "{\"due\": \"2024-03-06\"}"));
        assertThat(dayLate.passed()).isFalse();
        Verdict withinADay = fieldMatch(Map.of("due", new FieldRule("date", 1.0, false)))
                .score(new ScoredExample("x", "{\"due\": \"2024-03-05\"}", "{\"due\": \"2024-03-06\"}"));
        assertThat(withinADay.passed()).isTrue();
    }

    @Test
    void exactIsExact() {
        Map<String, FieldRule> id = Map.of("id", FieldRule.exact());
        assertThat(fieldMatch(id).score(new ScoredExample("x", "{\"id\": 7}", "{\"id\": 7.0}")).passed()).isTrue();
        assertThat(fieldMatch(id).score(new ScoredExample("x", "{\"id\": 7}", "{\"id\": \"7\"}")).passed()).isFalse();
        assertThat(fieldMatch(id).score(new ScoredExample("x", "{\"id\": \"a\"}", "{\"id\": \"A\"}")).passed())
                .isFalse();
    }

    @Test
    void normalisedTextFoldsUnicodeCompatibilityForms() {
        Map<String, FieldRule> name = Map.of("name", FieldRule.normalised());
        // full-width letters and the "fi" ligature are NFKC-equal to plain ones
        assertThat(fieldMatch(name).score(new ScoredExample("x", "{\"name\": \"ACME fine\"}",
                "{\"name\": \"ＡＣＭＥ ﬁne!\"}")).passed()).isTrue();
    }

    @Test
    void anOutputThatIsNotJsonMissesEveryExpectedField() {
        Verdict verdict = fieldMatch(TICKET_RULES).score(new ScoredExample("x", "{\"orderId\": \"ORD-7\"}",
                "The order is ORD-7."));
        assertThat(verdict.passed()).isFalse();
        assertThat(outcome(verdict, "orderId")).isEqualTo("missing");
        assertThat(verdict.explanation()).startsWith("output is not JSON");
        assertThat(verdict.explanation()).contains("critical field orderId not right");
    }

    @Test
    void anExpectedOutputThatIsNoRecordIsNotMeasured() {
        Verdict verdict = fieldMatch(TICKET_RULES).score(new ScoredExample("x", "billing", "{}"));
        assertThat(verdict.value()).isNull();
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).contains("not a JSON object");
    }

    @Test
    void withoutRulesTheSchemaPropertiesOrBothRecordsGiveTheFields() throws Exception {
        ScoringContext schemaOnly = new ScoringContext(JSON.readTree(
                "{\"type\": \"object\", \"properties\": {\"a\": {}, \"b\": {}}}"), Map.of(), List.of(), null);
        Scorer bySchema = new Scorers(text -> new float[0]).create(List.of(ScorerSpec.of("field-match")), schemaOnly)
                .get(0);
        Verdict verdict = bySchema.score(new ScoredExample("x", "{\"a\": 1, \"b\": 2}", "{\"a\": 1, \"b\": 3}"));
        assertThat(verdict.details().get("total")).isEqualTo(2);
        assertThat(verdict.value()).isEqualTo(0.5);

        Verdict byRecords = fieldMatch(Map.of()).score(new ScoredExample("x", "{\"a\": 1}", "{\"a\": 1, \"c\": 2}"));
        assertThat(outcome(byRecords, "c")).isEqualTo("extra");
        assertThat(byRecords.value()).isEqualTo(0.5);
    }
}
