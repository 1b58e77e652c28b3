package org.hybridllm.lifecycle.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.hybridllm.lifecycle.AppTest;
import org.hybridllm.lifecycle.LifecycleApi;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stage a reviewer sends a run back to is in Postgres, with the engineer's answer, before the
 * {@code changes-addressed} message goes out: the process takes it from there (CheckChangesAddressedWorker), so
 * an engine that never got the message, or lost the variable the gate set, still goes back to the right stage.
 */
@AppTest
class ChangeTargetIT {

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunRepository runs;
    @Autowired
    UseCaseRepository useCases;
    @Autowired
    ApprovalRepository approvals;
    @Autowired
    CheckChangesAddressedWorker checkChangesAddressed;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void theChangeTargetIsRecordedWithTheAnswerAndReadFromPostgres() {
        for (DecisionRequest.ChangeTarget target : DecisionRequest.ChangeTarget.values()) {
            UUID runId = runSentBackTo(target);

            var answered = new LifecycleApi(http).call(LifecycleApi.ENGINEER, HttpMethod.POST,
                    "/api/runs/" + runId + "/changes-addressed", null);
            assertThat(answered.getStatusCode().value()).as(String.valueOf(answered.getBody())).isEqualTo(200);

            // recorded, whether or not the message was published: the outbox row holds the target
            assertThat(jdbc.sql("""
                            select variables ->> 'changeTarget' from outbox_message
                            where message_name = 'changes-addressed' and correlation_key = ?""")
                    .param(runId.toString()).query(String.class).single()).isEqualTo(target.name());
            // and the process continues with what Postgres says, not with a variable of the engine's
            var outcome = transaction.execute(status -> checkChangesAddressed.check(runId, "1"));
            assertThat(outcome).isEqualTo(new CheckChangesAddressedWorker.ChangesAddressed(true, 1,
                    jdbc.sql("select (variables ->> 'feedbackUpToId')::bigint from outbox_message "
                            + "where correlation_key = ?").param(runId.toString()).query(Long.class).single(),
                    target.name()));
        }
    }

    @Test
    void anAnswerRecordedBeforeTheTargetWasTakesTheChangeRequests() {
        UUID runId = runSentBackTo(DecisionRequest.ChangeTarget.PROMPT);
        transaction.executeWithoutResult(status -> {
            runs.startRevision(runId);
            jdbc.sql("""
                            insert into outbox_message (message_name, correlation_key, variables, published_at)
                            values ('changes-addressed', ?, '{"addressedRevision": 1, "feedbackUpToId": 0}', now())""")
                    .param(runId.toString()).update();
        });
        var outcome = transaction.execute(status -> checkChangesAddressed.check(runId, "1"));
        assertThat(outcome).isEqualTo(new CheckChangesAddressedWorker.ChangesAddressed(true, 1, 0, "PROMPT"));
    }

    /** A run a reviewer sent back (AWAITING_CHANGES at its first revision, 0), as RecordGateDecisionWorker leaves it. */
    private UUID runSentBackTo(DecisionRequest.ChangeTarget target) {
        UUID runId = UUID.randomUUID();
        UUID approvalId = UUID.randomUUID();
        long useCaseId = useCases.require(SampleDataLoader.USE_CASE).id();
        transaction.executeWithoutResult(status -> {
            runs.insert(runId, useCaseId, LifecycleApi.ENGINEER);
            approvals.insert(approvalId, runId, "MODEL_PROMOTION", LifecycleApi.ENGINEER, "{}", true, 1);
            approvals.decide(approvalId, Approval.Status.CHANGES_REQUESTED, LifecycleApi.REVIEWER, "change it",
                    "{}", null, target.name());
            runs.updateStatus(runId, RunStatus.AWAITING_CHANGES);
        });
        assertThat(runs.find(runId).orElseThrow().revision()).isZero();
        return runId;
    }
}
