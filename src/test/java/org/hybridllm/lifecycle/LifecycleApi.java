package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hybridllm.lifecycle.governance.DecisionRequest;
import org.hybridllm.lifecycle.governance.ReviewChecklist;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import java.util.EnumMap;
import java.util.HashMap;

/** The app's REST API as a test talks to it: over HTTP, with the configured users. */
public final class LifecycleApi {

    public static final String ENGINEER = "engineer";
    public static final String REVIEWER = "reviewer";
    public static final String REVIEWER2 = "reviewer2";
    public static final String ADMIN = "admin";
    private static final Map<String, String> PASSWORDS = Map.of(ENGINEER, "engineer-dev", REVIEWER, "reviewer-dev",
            REVIEWER2, "reviewer2-dev", ADMIN, "admin-dev");

    private static final Set<String> FINAL = Set.of("COMPLETED", "REJECTED", "FAILED", "INTERRUPTED");

    private final TestRestTemplate http;
    private final ObjectMapper json = new ObjectMapper();

    public LifecycleApi(TestRestTemplate http) {
        this.http = http;
    }

    public ResponseEntity<JsonNode> call(String user, HttpMethod method, String path, Object body) {
        HttpHeaders headers = new HttpHeaders();
        if (user != null) {
            headers.setBasicAuth(user, PASSWORDS.get(user));
        }
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> response = http.exchange(path, method, new HttpEntity<>(body, headers), String.class);
        try {
            JsonNode parsed = response.getBody() == null ? null : json.readTree(response.getBody());
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders()).body(parsed);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
    }

    public UUID startRun(String user, String useCase) {
        ResponseEntity<JsonNode> response = call(user, HttpMethod.POST, "/api/runs", Map.of("useCase", useCase));
        assertThat(response.getStatusCode().value()).as(String.valueOf(response.getBody())).isEqualTo(201);
        return UUID.fromString(response.getBody().path("id").asText());
    }

    public JsonNode run(UUID id) {
        ResponseEntity<JsonNode> response = call(ENGINEER, HttpMethod.GET, "/api/runs/" + id, null);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        return response.getBody();
    }

    /** Decides with every checklist item ticked. */
    public ResponseEntity<JsonNode> decide(String user, String approvalId, String decision, String comment) {
        return decide(user, approvalId, decision, comment, allTicked());
    }

    public ResponseEntity<JsonNode> decide(String user, String approvalId, String decision, String comment,
                                           Map<ReviewChecklist, DecisionRequest.ChecklistEntry> checklist) {
        Map<String, Object> body = new HashMap<>();
        body.put("decision", decision);
        body.put("comment", comment);
        body.put("checklist", checklist);
        return call(user, HttpMethod.POST, "/api/approvals/" + approvalId + "/decision", body);
    }

    public static Map<ReviewChecklist, DecisionRequest.ChecklistEntry> allTicked() {
        Map<ReviewChecklist, DecisionRequest.ChecklistEntry> checklist = new EnumMap<>(ReviewChecklist.class);
        for (ReviewChecklist item : ReviewChecklist.values()) {
            checklist.put(item, new DecisionRequest.ChecklistEntry(true, null));
        }
        return checklist;
    }

    /** Polls the run until its status is one of the given ones (fails on any other final status). */
    public JsonNode awaitStatus(UUID id, Duration timeout, String... statuses) {
        Set<String> wanted = Set.of(statuses);
        Instant deadline = Instant.now().plus(timeout);
        JsonNode run = run(id);
        while (!wanted.contains(run.path("status").asText())) {
            if (Instant.now().isAfter(deadline) || FINAL.contains(run.path("status").asText())) {
                throw new AssertionError("run " + id + " did not reach " + wanted + " in " + timeout + ": " + run);
            }
            sleep(100); // a poll is cheap: the test users have cheap password hashes (TestEnvironment)
            run = run(id);
        }
        return run;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
