package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;
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
 * lifecycle.engine=remote: the app starts no engine of its own and talks to whatever the standard camunda.client.*
 * settings point at; here a Zeebe engine with its own gRPC gateway, started outside the app.
 */
class RemoteEngineIT {

    @Test
    void aWholeRunCompletesOnAnEngineTheAppDoesNotOwn() {
        int port = TestEnvironment.freePort();
        try (EmbeddedEngine engine = TestEnvironment.startEngine(port);
             ConfigurableApplicationContext app = TestEnvironment.startApp("lifecycle.engine=remote",
                "camunda.client.grpc-address=http://localhost:" + port)) {
            assertThat(app.getBeansOfType(EmbeddedEngine.class)).isEmpty();
            app.getBean(SampleDataLoader.class).loadInto("tickets-remote");
            UUID runId = app.getBean(RunService.class).start("tickets-remote", "engineer").id();
            RestartResumeIT.awaitStatus(app, runId, RunStatus.AWAITING_APPROVAL);
            String approvalId = app.getBean(JdbcClient.class).sql("select id::text from approval where run_id = ?")
                    .param(runId).query(String.class).single();
            app.getBean(ApprovalService.class).decide(UUID.fromString(approvalId),
                    new DecisionRequest(DecisionRequest.Decision.APPROVE, "checked", LifecycleApi.allTicked(), null),
                    new ApprovalService.Reviewer("reviewer", true));
            RestartResumeIT.awaitStatus(app, runId, RunStatus.COMPLETED);
            assertThat(app.getBean(RunRepository.class).find(runId).orElseThrow().outcome()).isEqualTo("PROMOTED");
        }
    }
}
