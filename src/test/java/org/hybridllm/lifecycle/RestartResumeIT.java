package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.hybridllm.lifecycle.governance.ApprovalService;
import org.hybridllm.lifecycle.governance.DecisionRequest;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded engine keeps process state in memory. A real restart of the app (a second application context with
 * a new engine, same database) must find the open run INTERRUPTED, and a resume must reuse every completed
 * stage's output and artifacts and still complete the run.
 */
class RestartResumeIT {

    static final String USE_CASE = "tickets-restart";

    @Test
    void anInterruptedRunResumesFromItsLastCompletedStageAndCompletes() {
        UUID runId;
        long artifacts;
        long stages;
        String approvalId;
        try (ConfigurableApplicationContext first = startApp()) {
            first.getBean(SampleDataLoader.class).loadInto(USE_CASE);
            runId = first.getBean(RunService.class).start(USE_CASE, "engineer").id();
            awaitStatus(first, runId, RunStatus.AWAITING_APPROVAL);
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            artifacts = count(jdbc, "select count(*) from artifact where run_id = ?", runId);
            stages = count(jdbc, "select count(*) from run_stage where run_id = ?", runId);
            approvalId = jdbc.sql("select id::text from approval where run_id = ?").param(runId)
                    .query(String.class).single();
        } // the app stops: the embedded engine and its process instances are gone

        try (ConfigurableApplicationContext second = startApp()) {
            RunRepository runs = second.getBean(RunRepository.class);
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.INTERRUPTED);

            second.getBean(RunService.class).resume(runId, "engineer");
            awaitStatus(second, runId, RunStatus.AWAITING_APPROVAL);
            assertThat(runs.find(runId).orElseThrow().attempt()).isEqualTo(2);
            assertThat(count(jdbc, "select count(*) from artifact where run_id = ?", runId)).isEqualTo(artifacts);
            assertThat(count(jdbc, "select count(*) from run_stage where run_id = ?", runId)).isEqualTo(stages);
            assertThat(count(jdbc, "select count(*) from dataset_version where run_id = ?", runId)).isEqualTo(1);
            assertThat(count(jdbc, "select count(*) from fine_tune_job where run_id = ?", runId)).isEqualTo(1);
            assertThat(jdbc.sql("select id::text from approval where run_id = ?").param(runId)
                    .query(String.class).single()).isEqualTo(approvalId);

            second.getBean(ApprovalService.class).decide(UUID.fromString(approvalId),
                    new DecisionRequest(DecisionRequest.Decision.APPROVE, "ok after restart", LifecycleApi.allTicked(), null),
                    new ApprovalService.Reviewer("reviewer", true));
            awaitStatus(second, runId, RunStatus.COMPLETED);
            assertThat(runs.find(runId).orElseThrow().outcome()).isEqualTo("PROMOTED");
            assertThat(count(jdbc, "select count(*) from audit_event where run_id = ? and action = 'RUN_INTERRUPTED'",
                    runId)).isEqualTo(1);
        }
    }

    static ConfigurableApplicationContext startApp() {
        return TestEnvironment.startApp();
    }

    static void awaitStatus(ConfigurableApplicationContext app, UUID runId, RunStatus status) {
        RunRepository runs = app.getBean(RunRepository.class);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (runs.find(runId).orElseThrow().status() != status) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("run " + runId + " is " + runs.find(runId).orElseThrow() + ", not " + status);
            }
            LifecycleApi.sleep(100); // a primary-key read
        }
    }

    static long count(JdbcClient jdbc, String sql, UUID runId) {
        return jdbc.sql(sql).param(runId).query(Long.class).single();
    }
}
