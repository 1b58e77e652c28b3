package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The whole cycle for an extraction and a generation use case (the shipped samples) on the embedded engine with
 * the local model: the fine-tuned candidate beats the prompt-only baseline on the kind's primary metric, every
 * example's verdicts are recorded, the review shows them, and approval promotes the candidate.
 */
@AppTest
class TaskKindsIT {

    static final Duration TIMEOUT = Duration.ofMinutes(6);

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    WebApplicationContext context;

    LifecycleApi api;
    MockMvc console;

    @BeforeEach
    void clients() {
        api = new LifecycleApi(http);
        console = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    @Test
    void anExtractionUseCaseImprovesAfterFineTuningAndIsPromoted() throws Exception {
        JsonNode awaiting = cycleToReview(SampleDataLoader.EXTRACTION_USE_CASE, "extraction-cycle",
                "strictRecordMatch");
        long candidateRun = awaiting.path("metrics").path("candidate").path("evalRunId").asLong();
        // every answer of the tuned extractor is a JSON object that satisfies the schema
        JsonSchemaContract schema = JsonSchemaContract.of(new ObjectMapper().readTree(jdbc.sql("""
                        select c.output_schema::text from use_case_contract c join use_case u on u.id = c.use_case_id
                        where u.key = 'extraction-cycle'""").query(String.class).single()));
        long invalid = jdbc.sql("select output from eval_example_result where eval_run_id = ?").param(candidateRun)
                .query(String.class).list().stream().filter(o -> !schema.violations(o).isEmpty()).count();
        assertThat(invalid).isZero();
        assertThat(awaiting.path("metrics").path("candidate").path("scores").path("fields").path("fields"))
                .extracting(f -> f.path("field").asText()).contains("orderId", "amount", "requestedAction");
        promote(awaiting);
    }

    @Test
    void aReplyUseCaseImprovesAfterFineTuningAndIsPromoted() throws Exception {
        JsonNode awaiting = cycleToReview(SampleDataLoader.REPLY_USE_CASE, "reply-cycle", "referenceMatch");
        // corrections that replaced a model's reply became preference pairs (OpenAI's DPO JSONL)
        long datasetId = jdbc.sql("select id from dataset_version where run_id = ?")
                .param(UUID.fromString(awaiting.path("id").asText())).query(Long.class).single();
        int pairs = jdbc.sql("select preference_pairs from dataset_version where id = ?").param(datasetId)
                .query(Integer.class).single();
        assertThat(pairs).isPositive();
        String preferences = jdbc.sql("""
                        select a.uri from dataset_version d join artifact a on a.id = d.preference_artifact_id
                        where d.id = ?""").param(datasetId).query(String.class).single();
        String firstLine = Files.readAllLines(Path.of(URI.create(preferences)))
                .getFirst();
        JsonNode pair = new ObjectMapper().readTree(firstLine);
        assertThat(pair.path("input").path("messages").get(1).path("role").asText()).isEqualTo("user");
        assertThat(pair.path("preferred_output").get(0).path("content").asText())
                .isNotEqualTo(pair.path("non_preferred_output").get(0).path("content").asText());
        promote(awaiting);
    }

    /** Loads the sample, runs the cycle up to its review, and checks the evidence every kind must have. */
    private JsonNode cycleToReview(String sample, String useCase, String primaryMetric) throws Exception {
        sampleData.loadInto(sample, useCase);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        JsonNode primary = awaiting.path("metrics").path("primary");
        assertThat(primary.path("name").asText()).isEqualTo(primaryMetric);
        assertThat(primary.path("candidate").asDouble()).as(primary.toString())
                .isGreaterThan(primary.path("baseline").asDouble())
                .isGreaterThan(primary.path("champion").asDouble());
        JsonNode accuracy = awaiting.path("metrics").path("candidate").path("accuracy");
        assertThat(accuracy.isNull() || accuracy.isMissingNode()).as("accuracy is classification's").isTrue();

        // same sets, paired: every role on the curated set and on the test split, each with its 95 % interval
        JsonNode evaluations = awaiting.path("evaluations");
        assertThat(evaluations).extracting(e -> e.path("set").asText() + "/" + e.path("role").asText())
                .containsExactly("eval-set/BASELINE", "eval-set/CHAMPION", "eval-set/CANDIDATE",
                        "test-split/BASELINE", "test-split/CHAMPION", "test-split/CANDIDATE");
        for (JsonNode evaluation : evaluations) {
            assertThat(evaluation.path("ci").get(0).asDouble()).as(evaluation.toString())
                    .isLessThanOrEqualTo(evaluation.path("primary").asDouble());
            assertThat(evaluation.path("ci").get(1).asDouble()).as(evaluation.toString())
                    .isGreaterThanOrEqualTo(evaluation.path("primary").asDouble());
        }
        assertThat(evaluations.get(5).path("primary").asDouble()).isEqualTo(primary.path("candidate").asDouble());

        // per example: input, expected, output and every scorer's verdict, for champion and candidate alike
        long candidateRun = awaiting.path("metrics").path("candidate").path("evalRunId").asLong();
        long championRun = awaiting.path("metrics").path("champion").path("evalRunId").asLong();
        int examples = awaiting.path("metrics").path("candidate").path("examples").asInt();
        assertThat(examples).isPositive();
        for (long evalRun : new long[] {candidateRun, championRun}) {
            assertThat(jdbc.sql("""
                            select count(*) from eval_example_result
                            where eval_run_id = ? and expected is not null and output is not null
                              and jsonb_array_length(verdicts) >= 2""")
                    .param(evalRun).query(Long.class).single()).isEqualTo(examples);
        }
        long failures = jdbc.sql("select count(*) from eval_example_result where eval_run_id = ? and not passed")
                .param(candidateRun).query(Long.class).single();
        double passed = 1 - (double) failures / examples;
        assertThat(passed).isCloseTo(primary.path("candidate").asDouble(), offset(1e-4));

        // the review lists the failures beside the champion's answers, with the verdicts
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        String page = console.perform(get("/console/reviews/" + approvalId).with(user("reviewer").roles("REVIEWER")))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains(primaryMetric, "id=\"examples-count\"", "id=\"scorers\"");
        if (failures > 0) {
            assertThat(page).contains("class=\"example\"", "class=\"code fail\"");
        }
        return awaiting;
    }

    private void promote(JsonNode awaiting) {
        UUID runId = UUID.fromString(awaiting.path("id").asText());
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        var approved = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "Evidence checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(200);
        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");
    }
}
