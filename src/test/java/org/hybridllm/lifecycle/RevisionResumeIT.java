package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.client.CamundaClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.run.InterruptedRunDetector;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The engine loses its state right after an engineer answers a reviewer's change request (finding 3 of the
 * hardening issue): the run, resumed, goes back to the stage the reviewer named — DATASET here — and does not run
 * the prompt, feedback and decide stages again, as it did when every resume started at the top of the process.
 */
@AppTest
class RevisionResumeIT {

    @Autowired
    TestRestTemplate http;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunRepository runs;
    @Autowired
    InterruptedRunDetector detector;
    @Autowired
    CamundaClient camunda;

    @Test
    void aRunInterruptedAfterTheAnswerResumesAtTheStageTheReviewerNamed() {
        LifecycleApi api = new LifecycleApi(http);
        sampleData.loadInto("tickets-revision-resume");
        UUID runId = api.startRun(LifecycleApi.ENGINEER, "tickets-revision-resume");
        String firstApproval = api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL")
                .path("pendingApprovals").get(0).path("id").asText();
        Map<String, Object> changes = new HashMap<>(Map.of("decision", "REQUEST_CHANGES",
                "comment", "Relabel the outage tickets", "changeTarget", "DATASET"));
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/approvals/" + firstApproval + "/decision",
                changes).getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_CHANGES");
        List<String> stagesOfTheFirstRevision = stages(runId);

        var answered = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/changes-addressed",
                Map.of("note", "outage tickets relabelled"));
        assertThat(answered.getStatusCode().value()).isEqualTo(200);
        // the engine goes down at once: the instance is gone, the app's start-up check finds the run without one
        LifecycleRun run = runs.find(runId).orElseThrow();
        camunda.newCancelInstanceCommand(run.processInstanceKey()).send().join();
        detector.markInterrupted(runs.find(runId).orElseThrow(), InterruptedRunDetector.INSTANCE_LOST);

        var resumed = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/resume", null);
        assertThat(resumed.getStatusCode().value()).as(String.valueOf(resumed.getBody())).isEqualTo(200);
        var again = api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL");
        assertThat(runs.find(runId).orElseThrow().revision()).isEqualTo(1);
        assertThat(again.path("pendingApprovals").get(0).path("id").asText()).isNotEqualTo(firstApproval);

        List<String> secondRevision = stages(runId).stream().filter(stage -> stage.endsWith("@r1")).toList();
        assertThat(secondRevision).contains("lifecycle.dataset.build@r1", "lifecycle.evaluate.compare@r1",
                "lifecycle.gate.compute@r1");
        assertThat(secondRevision).noneMatch(stage -> stage.startsWith("lifecycle.prototype.")
                || stage.startsWith("lifecycle.feedback.") || stage.startsWith("lifecycle.decide."));
        // the first revision's record is untouched: nothing of it was run or written again
        assertThat(stages(runId)).containsAll(stagesOfTheFirstRevision);
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = 'RUN_RESUMED'")
                .param(runId).query(Long.class).single()).isEqualTo(1);
    }

    private List<String> stages(UUID runId) {
        return jdbc.sql("select stage from run_stage where run_id = ? order by completed_at").param(runId)
                .query(String.class).list();
    }
}
