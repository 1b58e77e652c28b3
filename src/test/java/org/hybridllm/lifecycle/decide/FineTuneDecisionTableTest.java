package org.hybridllm.lifecycle.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.zeebe.dmn.DecisionEngine;
import io.camunda.zeebe.dmn.DecisionEngineFactory;
import io.camunda.zeebe.dmn.DecisionEvaluationResult;
import io.camunda.zeebe.dmn.ParsedDecisionRequirementsGraph;
import io.camunda.zeebe.protocol.impl.encoding.MsgPackConverter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bpmn/decisions/fine-tune-decision.dmn on Zeebe's own DMN engine: volume, latency and cost per request beside
 * quality gap, examples and plateau, and a rationale that names every factor with its value.
 */
class FineTuneDecisionTableTest {

    static final DecisionEngine ENGINE = DecisionEngineFactory.createDecisionEngine();
    static ParsedDecisionRequirementsGraph table;

    @BeforeAll
    static void parse() throws Exception {
        try (InputStream dmn = Files.newInputStream(Path.of("bpmn/decisions/fine-tune-decision.dmn"))) {
            table = ENGINE.parse(dmn);
        }
        assertThat(table.isValid()).as(table.getFailureMessage()).isTrue();
    }

    /** A prompt that meets its target (0.92 ≥ 0.90) with enough data, at 300,000 requests a month. */
    static Map<String, Object> meetsTargetAtHighVolume() {
        Map<String, Object> variables = new HashMap<>();
        variables.put("baselineAccuracy", 0.92);
        variables.put("targetAccuracy", 0.90);
        variables.put("labelledExamples", 800);
        variables.put("minLabelledExamples", 100);
        variables.put("promptPlateau", true);
        variables.put("championFineTuned", false);
        variables.put("championEvalSetAccuracy", 0.92);
        variables.put("newLabelledExamples", 800);
        variables.put("monthlyRequests", 300_000);
        variables.put("volumeSource", "gateway-30d");
        variables.put("championLatencyP95Ms", 140.0);
        variables.put("championCostPerRequestUsd", 0.0004);
        variables.put("highVolumeMonthlyRequests", 100_000);
        variables.put("highLatencyP95Ms", 1000);
        variables.put("highCostPerRequestUsd", 0.0003);
        return variables;
    }

    static JsonNode decide(Map<String, Object> variables) throws Exception {
        DecisionEvaluationResult result = ENGINE.evaluateDecisionById(table, "fine-tune-decision",
                () -> variables);
        assertThat(result.isFailure()).as(result.getFailureMessage()).isFalse();
        return new ObjectMapper().readTree(MsgPackConverter.convertToJson(result.getOutput()));
    }

    @Test
    void aPromptThatMeetsQualityAtHighVolumeAndHighCostPerCallIsFineTunedToCutCost() throws Exception {
        JsonNode result = decide(meetsTargetAtHighVolume());
        assertThat(result.path("decision").asText()).isEqualTo("FINE_TUNE");
        assertThat(result.path("rationale").asText())
                .startsWith("Prompting meets the quality target, but at this volume every call pays for a long")
                .contains("quality gap -0.020", "800 labelled examples (minimum 100)",
                        "prompt iterations plateaued",
                        "300000 requests/month (gateway-30d), high volume (from 100000)", "p95 140.0 ms",
                        "$0.00040000/request, high (from $0.0003");
    }

    @Test
    void orAtHighVolumeAndHighLatencyToCutLatency() throws Exception {
        Map<String, Object> variables = meetsTargetAtHighVolume();
        variables.put("championCostPerRequestUsd", 0.0001);
        variables.put("championLatencyP95Ms", 1800.0);
        JsonNode result = decide(variables);
        assertThat(result.path("decision").asText()).isEqualTo("FINE_TUNE");
        assertThat(result.path("rationale").asText()).contains("its calls are slow", "p95 1800.0 ms, high",
                "$0.00010000/request");
    }

    @Test
    void cheapAndFastCallsKeepThePromptWhateverTheVolume() throws Exception {
        Map<String, Object> variables = meetsTargetAtHighVolume();
        variables.put("championCostPerRequestUsd", 0.0001);
        JsonNode result = decide(variables);
        assertThat(result.path("decision").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(result.path("rationale").asText()).startsWith("Prompting already meets the quality target")
                .contains("300000 requests/month", "p95 140.0 ms", "$0.00010000/request");
    }

    @Test
    void lowVolumeKeepsThePromptEvenWhenCallsAreCostly() throws Exception {
        Map<String, Object> variables = meetsTargetAtHighVolume();
        variables.put("monthlyRequests", 2_000);
        variables.put("volumeSource", "declared");
        JsonNode result = decide(variables);
        assertThat(result.path("decision").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(result.path("rationale").asText()).contains("2000 requests/month (declared);");
    }

    @Test
    void withoutEnoughExamplesThereIsNothingToTrainOnHoweverHighTheCost() throws Exception {
        Map<String, Object> variables = meetsTargetAtHighVolume();
        variables.put("labelledExamples", 40);
        JsonNode result = decide(variables);
        assertThat(result.path("decision").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(result.path("rationale").asText()).contains("40 labelled examples (minimum 100)");
    }

    @Test
    void unknownVolumeLatencyAndCostAreNamedAsUnknownAndDecideNothing() throws Exception {
        Map<String, Object> variables = meetsTargetAtHighVolume();
        variables.put("baselineAccuracy", 0.80);
        variables.put("monthlyRequests", null);
        variables.put("volumeSource", null);
        variables.put("championLatencyP95Ms", null);
        variables.remove("championCostPerRequestUsd");
        JsonNode result = decide(variables);
        assertThat(result.path("decision").asText()).isEqualTo("FINE_TUNE");
        assertThat(result.path("rationale").asText())
                .startsWith("A measurable quality gap remains, prompt iterations have plateaued")
                .contains("quality gap 0.100", "requests/month unknown", "p95 latency unknown",
                        "cost per request unknown");
    }

    @Test
    void theExistingRulesKeepTheirOutcomes() throws Exception {
        Map<String, Object> stillImproving = meetsTargetAtHighVolume();
        stillImproving.put("baselineAccuracy", 0.80);
        stillImproving.put("promptPlateau", false);
        assertThat(decide(stillImproving).path("decision").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(decide(stillImproving).path("rationale").asText()).contains("prompt iterations still improving");

        Map<String, Object> fineTunedChampionMeetsTarget = meetsTargetAtHighVolume();
        fineTunedChampionMeetsTarget.put("championFineTuned", true);
        assertThat(decide(fineTunedChampionMeetsTarget).path("decision").asText()).isEqualTo("NOTHING_TO_DO");

        Map<String, Object> noNewFeedback = meetsTargetAtHighVolume();
        noNewFeedback.put("baselineAccuracy", 0.80);
        noNewFeedback.put("championFineTuned", true);
        noNewFeedback.put("championEvalSetAccuracy", 0.85);
        noNewFeedback.put("newLabelledExamples", 0);
        assertThat(decide(noNewFeedback).path("decision").asText()).isEqualTo("NOTHING_TO_DO");
    }
}
