package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.camunda.client.CamundaClient;
import io.camunda.zeebe.protocol.record.intent.ProcessInstanceIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hamcrest.Matchers;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * What a client of the engine's gateway can claim and send, and what it changes: a run started through the engine
 * names its requester unchecked, so its gates take two reviewers; a decision message nobody recorded changes
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
    @Autowired
    MockMvc mvc;

    LifecycleApi api;
    EngineRecords records;

    @BeforeEach
    void setUp() {
        api = new LifecycleApi(http);
        records = new EngineRecords(engine);
    }

    @Test
    void aRunStartedThroughTheEngineNeedsTwoDistinctReviewersNeitherOfThemItsClaimedStarter() throws Exception {
        sampleData.loadInto("tickets-engine-approve");
        sampleData.loadInto("tickets-engine-reject");
        // as anyone on the gateway can: the process id and a name of their choosing
        long approveInstance = startThroughTheEngine("tickets-engine-approve", "reviewer");
        long rejectInstance = startThroughTheEngine("tickets-engine-reject", null);
        UUID runId = registeredRun(approveInstance);
        UUID otherRunId = registeredRun(rejectInstance);

        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("startedBy").asText()).isEqualTo("reviewer");
        assertThat(awaiting.path("requesterVerified").isBoolean()).as("requesterVerified in %s", awaiting).isTrue();
        assertThat(awaiting.path("requesterVerified").asBoolean()).isFalse();
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();

        // the claimed starter cannot decide its gates
        var own = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "mine, fine");
        assertThat(own.getStatusCode().value()).isEqualTo(403);
        assertThat(own.getBody().path("type").asText()).endsWith("/four-eyes");

        // one other reviewer's approval is recorded as a partial approval: the gate does not move
        var first = api.decide(LifecycleApi.REVIEWER2, approvalId, "APPROVE", "evidence checked");
        assertThat(first.getStatusCode().value()).as(String.valueOf(first.getBody())).isEqualTo(200);
        assertThat(first.getBody().path("status").asText()).isEqualTo("PENDING");
        assertThat(first.getBody().path("requiredApprovals").asInt()).isEqualTo(2);
        assertThat(first.getBody().path("approvedBy")).extracting(JsonNode::asText).containsExactly("reviewer2");
        assertThat(first.getBody().path("reviewPolicy").asText())
                .contains("Requester unverified: started through the engine as 'reviewer'")
                .contains("needs 2 distinct reviewers").contains("1 of 2 approved");
        // a double submit counts once
        var again = api.decide(LifecycleApi.REVIEWER2, approvalId, "APPROVE", "evidence checked");
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(again.getBody().path("approvedBy")).hasSize(1);
        // ... and having approved, the same reviewer cannot take it back or decide otherwise
        assertThat(api.decide(LifecycleApi.REVIEWER2, approvalId, "REJECT", "second thoughts")
                .getStatusCode().value()).isEqualTo(409);
        // the approval API and the review page say what the gate waits for
        var shown = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/approvals/" + approvalId, null);
        assertThat(shown.getBody().path("reviewPolicy").asText()).contains("1 of 2 approved");
        assertThat(shown.getBody().path("requesterVerified").asBoolean()).isFalse();
        mvc.perform(get("/console/reviews/" + approvalId).with(user("admin").roles("ADMIN", "REVIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.anyOf(
                        Matchers.containsString("Requester unverified: started through the engine as 'reviewer'"),
                        Matchers.containsString("Requester unverified: started through the engine as &#39;reviewer&#39;"))))
                .andExpect(content().string(Matchers.containsString("1 of 2 approved")));
        LifecycleApi.sleep(1_000); // the engine acts on a message in milliseconds: a second shows it did not
        assertThat(api.run(runId).path("status").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(jdbc.sql("select count(*) from outbox_message where correlation_key = ?").param(approvalId)
                .query(Long.class).single()).as("no decision message for a partial approval").isZero();

        // a second, distinct reviewer decides the gate
        var second = api.decide(LifecycleApi.ADMIN, approvalId, "APPROVE", "second pair of eyes");
        assertThat(second.getStatusCode().value()).as(String.valueOf(second.getBody())).isEqualTo(200);
        assertThat(second.getBody().path("status").asText()).isEqualTo("APPROVED");
        assertThat(second.getBody().path("approvedBy")).extracting(JsonNode::asText)
                .containsExactly("reviewer2", "admin");
        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");

        assertThat(jdbc.sql("select requester_verified from lifecycle_run where id = ?").param(runId)
                .query(Boolean.class).single()).isFalse();
        assertThat(jdbc.sql("select status || ':' || decided_by || ':' || required_approvals from approval where id = ?")
                .param(UUID.fromString(approvalId)).query(String.class).single()).isEqualTo("APPROVED:admin:2");
        assertThat(jdbc.sql("select reviewer || ':' || decision from approval_vote where approval_id = ? order by id")
                .param(UUID.fromString(approvalId)).query(String.class).list())
                .containsExactly("reviewer2:APPROVE", "admin:APPROVE");
        assertThat(jdbc.sql("""
                        select actor || ':' || action from audit_event where entity_id = ? and action like 'APPROVAL_%'
                        order by id""").param(approvalId).query(String.class).list())
                .containsExactly("reviewer2:APPROVAL_PARTIALLY_APPROVED", "admin:APPROVAL_APPROVED");
        assertThat(jdbc.sql("""
                        select details->>'claimedStartedBy' from audit_event
                        where run_id = ? and action = 'RUN_STARTED' and details->>'requesterVerified' = 'false'""")
                .param(runId).query(String.class).single()).isEqualTo("reviewer");
        assertThat(records.incidents(approveInstance)).isEmpty();

        // started with no name at all: unverified too; a rejection by either reviewer decides at once
        JsonNode other = api.awaitStatus(otherRunId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(other.path("startedBy").asText()).isEqualTo("camunda-ui");
        assertThat(other.path("requesterVerified").asBoolean()).isFalse();
        String otherApproval = other.path("pendingApprovals").get(0).path("id").asText();
        assertThat(api.decide(LifecycleApi.REVIEWER, otherApproval, "APPROVE", "ok").getBody().path("status")
                .asText()).isEqualTo("PENDING");
        var rejected = api.decide(LifecycleApi.REVIEWER2, otherApproval, "REJECT", "label drift not explained");
        assertThat(rejected.getStatusCode().value()).isEqualTo(200);
        assertThat(rejected.getBody().path("status").asText()).isEqualTo("REJECTED");
        assertThat(api.awaitStatus(otherRunId, TIMEOUT, "REJECTED").path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(records.incidents(rejectInstance)).isEmpty();
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
        LifecycleApi.sleep(1_000); // the engine acts on a message in milliseconds: a second shows it did not
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

    @Test
    void aForgedChangesAddressedMessageChangesNothingAndTheEngineersAnswerStillContinuesTheRun() {
        String useCase = "tickets-forged-changes";
        sampleData.loadInto(useCase);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        long instance = awaiting.path("processInstanceKey").asLong();
        Map<String, Object> sendBack = new HashMap<>(Map.of("decision", "REQUEST_CHANGES", "changeTarget", "DATASET",
                "comment", "Relabel the outage tickets"));
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/approvals/" + approvalId + "/decision",
                sendBack).getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(runId, TIMEOUT, "AWAITING_CHANGES");
        await(Duration.ofSeconds(30), "the run waits for the changes", () ->
                records.count(instance, "wait_for_changes", ProcessInstanceIntent.ELEMENT_ACTIVATED) == 1);

        // anyone on the gateway: "the changes are in", with a feedback snapshot of their choosing
        Map<String, Object> forged = new HashMap<>();
        forged.put("addressedRevision", 1);
        forged.put("revision", 1);
        forged.put("feedbackUpToId", 0);
        camunda.newPublishMessageCommand().messageName("changes-addressed").correlationKey(runId.toString())
                .timeToLive(Duration.ofHours(1)).variables(forged).send().join();

        await(Duration.ofSeconds(60), "the forged message reached the run", () -> jdbc.sql(
                "select count(*) from audit_event where run_id = ? and action = 'CHANGES_MESSAGE_IGNORED'")
                .param(runId).query(Long.class).single() > 0 || !records.incidents(instance).isEmpty()
                || !api.run(runId).path("status").asText().equals("AWAITING_CHANGES"));
        await(Duration.ofSeconds(30), "the run waits again", () ->
                records.count(instance, "wait_for_changes", ProcessInstanceIntent.ELEMENT_ACTIVATED) >= 2);
        LifecycleApi.sleep(1_000); // the engine acts on a message in milliseconds: a second shows it did not
        assertThat(records.incidents(instance)).as("incidents").isEmpty();
        JsonNode stillWaiting = api.run(runId);
        assertThat(stillWaiting.path("status").asText()).isEqualTo("AWAITING_CHANGES");
        assertThat(stillWaiting.path("pendingApprovals")).isEmpty();
        assertThat(stillWaiting.path("approvals")).hasSize(1);
        assertThat(records.count(instance, "wait_for_changes", ProcessInstanceIntent.ELEMENT_ACTIVATED)).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = 'CHANGES_MESSAGE_IGNORED'")
                .param(runId).query(Long.class).single()).isEqualTo(1);

        // the engineer's real answer continues the run: a new revision, its dataset built from the real feedback
        // snapshot (the forged one, 0, would have left it too small: FAILED)
        var addressed = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/changes-addressed",
                Map.of("note", "relabelled"));
        assertThat(addressed.getStatusCode().value()).isEqualTo(200);
        JsonNode again = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(again.path("pendingApprovals")).hasSize(1);
        // the same feedback gives the same dataset content, so revision 1 reuses the first version (not re-registered)
        assertThat(jdbc.sql("select (output->>'trainRows')::int from run_stage where run_id = ? and stage = ?")
                .params(runId, "lifecycle.dataset.build@r1").query(Integer.class).single()).isPositive();
        assertThat(records.incidents(instance)).isEmpty();
    }

    private long startThroughTheEngine(String useCase, String startedBy) {
        Map<String, Object> variables = new HashMap<>(Map.of("useCase", useCase));
        if (startedBy != null) {
            variables.put("startedBy", startedBy);
        }
        return camunda.newCreateInstanceCommand().bpmnProcessId("llm-lifecycle").latestVersion()
                .variables(variables).send().join().getProcessInstanceKey();
    }

    private UUID registeredRun(long processInstanceKey) {
        UUID[] runId = {null};
        await(Duration.ofSeconds(60), "run registered", () -> {
            runId[0] = jdbc.sql("select id from lifecycle_run where process_instance_key = ?")
                    .param(processInstanceKey).query(UUID.class).optional().orElse(null);
            return runId[0] != null;
        });
        return runId[0];
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
