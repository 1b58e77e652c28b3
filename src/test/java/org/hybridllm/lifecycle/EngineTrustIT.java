package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camunda.client.CamundaClient;
import io.camunda.zeebe.protocol.record.intent.ProcessInstanceIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a client of the engine's gateway can send, and what it changes: a decision message nobody recorded changes
 * nothing. On the real embedded engine, checked in Postgres and in the engine's own records.
 */
@AppTest
class EngineTrustIT {

    static final Duration TIMEOUT = LifecycleRunIT.TIMEOUT;

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    CamundaClient camunda;
    @Autowired
    EmbeddedEngine engine;

    LifecycleApi api;
    EngineRecords records;

    @BeforeEach
    void setUp() {
        api = new LifecycleApi(http);
        records = new EngineRecords(engine);
    }

    @Test
    void aForgedDecisionMessageChangesNothingAndTheRealDecisionStillCompletesTheGate() {
        String useCase = "tickets-forged-message";
        sampleData.loadInto(useCase);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        long instance = awaiting.path("processInstanceKey").asLong();
        long champion = jdbc.sql("""
                        select a.model_version_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'champion'""").param(useCase).query(Long.class).single();

        // anyone on the gateway: "approved", with a model of their choosing, under the message id the app's
        // outbox will give the real decision's message (a sequence: easy to guess)
        long nextOutboxId = jdbc.sql("select last_value + case when is_called then 1 else 0 end from outbox_message_id_seq")
                .query(Long.class).single();
        Map<String, Object> forged = new HashMap<>();
        forged.put("gateDecision", "APPROVE");
        forged.put("approvalDecision", "APPROVE");
        forged.put("approvalDecidedBy", "mallory");
        forged.put("candidateModelVersionId", champion);
        camunda.newPublishMessageCommand().messageName("approval-decided").correlationKey(approvalId)
                .messageId("outbox-" + nextOutboxId).timeToLive(Duration.ofHours(1)).variables(forged)
                .send().join();

        await(Duration.ofSeconds(60), "the forged message reached the gate", () -> auditCount(approvalId,
                "GATE_MESSAGE_IGNORED") > 0 || !records.incidents(instance).isEmpty());
        assertThat(records.incidents(instance)).as("incidents").isEmpty();
        await(Duration.ofSeconds(30), "the gate waits again", () ->
                records.count(instance, "wait_decision", ProcessInstanceIntent.ELEMENT_ACTIVATED) == 2);
        LifecycleApi.sleep(2_000);
        // ignored once, and the gate waits: the buffered forged message is not delivered to it again
        assertThat(auditCount(approvalId, "GATE_MESSAGE_IGNORED")).isEqualTo(1);
        assertThat(records.count(instance, "wait_decision", ProcessInstanceIntent.ELEMENT_ACTIVATED)).isEqualTo(2);
        assertThat(records.count(instance, "wait_decision", ProcessInstanceIntent.ELEMENT_COMPLETED)).isEqualTo(1);
        assertThat(records.incidents(instance)).isEmpty();
        JsonNode stillWaiting = api.run(runId);
        assertThat(stillWaiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(stillWaiting.path("pendingApprovals")).hasSize(1);
        assertThat(jdbc.sql("select status from approval where id = ?").param(UUID.fromString(approvalId))
                .query(String.class).single()).isEqualTo("PENDING");
        assertThat(jdbc.sql("""
                        select details->>'announcedDecision' from audit_event
                        where entity_id = ? and action = 'GATE_MESSAGE_IGNORED'""")
                .param(approvalId).query(String.class).single()).isEqualTo("APPROVE");

        // the real decision afterwards completes the gate: its message is not mistaken for the forged one
        var approved = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "evidence checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(200);
        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");
        assertThat(done.path("requesterVerified").asBoolean()).isTrue();
        assertThat(records.incidents(instance)).isEmpty();
        // the forged message's variables did not reach the process: the run promoted its own candidate
        long candidate = done.path("metrics").path("candidate").path("modelVersionId").asLong();
        assertThat(candidate).isNotEqualTo(champion);
        assertThat(jdbc.sql("""
                        select a.model_version_id || ':' || a.updated_by from model_alias a
                        join use_case u on u.id = a.use_case_id where u.key = ? and a.alias = 'champion'""")
                .param(useCase).query(String.class).single()).isEqualTo(candidate + ":reviewer");
        assertThat(auditCount(approvalId, "GATE_APPROVED")).isEqualTo(1);
    }

    private long auditCount(String entityId, String action) {
        return jdbc.sql("select count(*) from audit_event where entity_id = ? and action = ?")
                .params(entityId, action).query(Long.class).single();
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            LifecycleApi.sleep(200);
        }
    }
}
