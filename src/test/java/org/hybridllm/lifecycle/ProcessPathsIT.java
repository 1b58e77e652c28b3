package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The main process's paths that end without a review, on the real engine: the decide gateway's "keep prompting"
 * branch, and the gate's "keep champion" branch. A candidate needs a gain no model reaches here
 * (lifecycle.evaluation.minimum-gain = 1): the whole CI of the difference lies below it, so the promotion gate
 * keeps the champion.
 */
@AppTest
@TestPropertySource(properties = "lifecycle.evaluation.minimum-gain=1.0")
class ProcessPathsIT {

    static final Duration TIMEOUT = Duration.ofMinutes(4);

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;

    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void aPromptThatMeetsTheTargetKeepsPrompting() {
        String useCase = "paths-keep-prompting";
        sampleData.loadInto(useCase);
        jdbc.sql("update use_case set target_accuracy = 0.5 where key = ?").param(useCase).update();

        UUID run = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode done = api.awaitStatus(run, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(done.path("decision").path("decision").asText()).isEqualTo("KEEP_PROMPTING");
        assertThat(done.path("stages")).extracting(stage -> stage.path("stage").asText()).containsExactly(
                "lifecycle.prototype.evaluate-prompts", "lifecycle.feedback.summarise",
                "lifecycle.decide.evaluate-champion", "lifecycle.decide.record", "lifecycle.run.finish");
    }

    @Test
    void aCandidateThatDoesNotBeatTheChampionEndsChampionKeptAndServesNoOne() {
        String useCase = "paths-champion-kept";
        sampleData.loadInto(useCase);

        UUID run = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode done = api.awaitStatus(run, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("CHAMPION_KEPT");
        assertThat(done.path("pendingApprovals")).isEmpty();
        assertThat(jdbc.sql("select count(*) from approval where run_id = ?").param(run).query(Long.class).single())
                .as("no review opened").isZero();
        // the candidate was trained and evaluated, but it is nobody's challenger: no canary may route to it
        assertThat(jdbc.sql("select count(*) from model_version m join fine_tune_job j on j.id = m.fine_tune_job_id"
                + " where j.run_id = ?").param(run).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("""
                        select count(*) from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'challenger'""").param(useCase).query(Long.class).single())
                .isZero();
        var refused = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/gateway/routes/" + useCase,
                Map.of("canaryShare", 0.5));
        assertThat(refused.getStatusCode().value()).isEqualTo(409);
    }
}
