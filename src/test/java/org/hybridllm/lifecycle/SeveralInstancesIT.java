package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;
import org.hybridllm.lifecycle.governance.ApprovalService;
import org.hybridllm.lifecycle.governance.DecisionRequest;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two app instances (two Spring contexts, as two processes would be) share one engine and one database: a batch
 * of runs started on both completes, the jobs are spread across both, and every stage of every run is executed
 * and its artifacts registered exactly once.
 */
class SeveralInstancesIT {

    private static final int RUNS = 4;

    @Test
    void twoInstancesShareTheWorkAndRunEveryStageOnce() {
        int port = TestEnvironment.freePort();
        try (EmbeddedEngine engine = TestEnvironment.startEngine(port);
             ConfigurableApplicationContext a = instance("app-a", port);
             ConfigurableApplicationContext b = instance("app-b", port)) {
            List<UUID> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                // a use case each: runs of one use case compete for its new feedback (a dataset takes it once)
                a.getBean(SampleDataLoader.class).loadInto("tickets-pair-" + i);
            }
            for (int i = 0; i < RUNS; i++) {
                ConfigurableApplicationContext starter = i % 2 == 0 ? a : b;
                runs.add(starter.getBean(RunService.class).start("tickets-pair-" + i, "engineer").id());
            }
            JdbcClient jdbc = a.getBean(JdbcClient.class);
            for (UUID runId : runs) {
                RestartResumeIT.awaitStatus(a, runId, RunStatus.AWAITING_APPROVAL);
                String approvalId = jdbc.sql("select id::text from approval where run_id = ?").param(runId)
                        .query(String.class).single();
                b.getBean(ApprovalService.class).decide(UUID.fromString(approvalId),
                        new DecisionRequest(DecisionRequest.Decision.APPROVE, "checked", LifecycleApi.allTicked(),
                                null), new ApprovalService.Reviewer("reviewer", true));
            }
            for (UUID runId : runs) {
                RestartResumeIT.awaitStatus(a, runId, RunStatus.COMPLETED);
            }

            UUID[] ids = runs.toArray(UUID[]::new);
            // the jobs were spread: both instances ran stages
            assertThat(jdbc.sql("select distinct executed_by from run_stage where run_id = any(?) order by 1")
                    .param(ids).query(String.class).list()).containsExactly("app-a", "app-b");
            // and every run did the same work once: the same stages, one of each registration
            List<Map<String, Object>> perRun = jdbc.sql("""
                            select r.id,
                                   (select count(*) from run_stage s where s.run_id = r.id) as stages,
                                   (select count(*) from fine_tune_job j where j.run_id = r.id) as jobs,
                                   (select count(*) from dataset_version d where d.run_id = r.id) as datasets,
                                   (select count(*) from model_version m join fine_tune_job j
                                      on j.id = m.fine_tune_job_id where j.run_id = r.id) as models,
                                   (select count(*) from artifact x where x.run_id = r.id) as artifacts,
                                   (select count(*) from audit_event e where e.run_id = r.id
                                      and e.action = 'MODEL_REGISTERED') as registrations
                            from lifecycle_run r where r.id = any(?)""")
                    .param(ids).query().listOfRows();
            assertThat(perRun).hasSize(RUNS).allSatisfy(row -> {
                assertThat(((Number) row.get("jobs")).intValue()).isEqualTo(1);
                assertThat(((Number) row.get("datasets")).intValue()).isEqualTo(1);
                assertThat(((Number) row.get("models")).intValue()).isEqualTo(1);
                assertThat(((Number) row.get("registrations")).intValue()).isEqualTo(1);
            });
            assertThat(perRun.stream().map(row -> row.get("stages")).distinct()).hasSize(1);
            assertThat(perRun.stream().map(row -> row.get("artifacts")).distinct()).hasSize(1);
        }
    }

    private static ConfigurableApplicationContext instance(String name, int enginePort) {
        return TestEnvironment.startApp("lifecycle.engine=remote",
                "camunda.client.grpc-address=http://localhost:" + enginePort,
                "lifecycle.instance-name=" + name,
                // few jobs at a time per instance, so that both get some of every batch
                "camunda.client.worker.defaults.max-jobs-active=2");
    }
}
