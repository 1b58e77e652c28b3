package org.hybridllm.lifecycle.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import io.camunda.client.CamundaClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.hybridllm.lifecycle.feedback.FeedbackIngest;
import org.hybridllm.lifecycle.feedback.FeedbackItem;
import org.hybridllm.lifecycle.finetune.FineTuneJob;
import org.hybridllm.lifecycle.finetune.FineTuneJobRepository;
import org.springframework.transaction.support.TransactionTemplate;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import java.io.IOException;

/**
 * {@code POST /api/webhooks/{source}}: signed events from other systems. Checked in this order: known source (404),
 * body size (413), timestamp within the replay window and HMAC signature (401), body (400), event allowed for the
 * source (422). An accepted event is stored under its idempotency key before anything starts, so a retried
 * delivery — also a concurrent one — gets the first answer and starts nothing twice. A rejected request leaves
 * nothing behind but an audit entry.
 */
@RestController
public class WebhookController {

    public static final String TIMESTAMP_HEADER = "X-Lifecycle-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Lifecycle-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String FINE_TUNE_CALLBACK_MESSAGE = "fine-tune-callback";
    private static final Duration WAIT_FOR_FIRST_ANSWER = Duration.ofSeconds(30);

    private final WebhookProperties properties;
    private final RunService runService;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final FeedbackIngest feedback;
    private final FineTuneJobRepository fineTuneJobs;
    private final CamundaClient camunda;
    private final TransactionTemplate transaction;

    public WebhookController(WebhookProperties properties, RunService runService, JdbcClient jdbc, AuditLog audit,
                             ObjectMapper json, FeedbackIngest feedback, FineTuneJobRepository fineTuneJobs,
                             CamundaClient camunda, TransactionTemplate transaction) {
        this.feedback = feedback;
        this.fineTuneJobs = fineTuneJobs;
        this.camunda = camunda;
        this.transaction = transaction;
        this.properties = properties;
        this.runService = runService;
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
    }

    @PostMapping(path = "/api/webhooks/{source}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<Object> receive(@PathVariable String source,
                                          @RequestHeader(name = TIMESTAMP_HEADER, required = false) String timestamp,
                                          @RequestHeader(name = SIGNATURE_HEADER, required = false) String signature,
                                          @RequestHeader(name = IDEMPOTENCY_HEADER, required = false) String idempotencyKey,
                                          @RequestBody(required = false) byte[] body) {
        try {
            return accept(source, timestamp, signature, idempotencyKey, body == null ? new byte[0] : body);
        } catch (ErrorResponseException rejected) {
            audit.record("webhook:" + source, "WEBHOOK_REJECTED", "webhook", source, null, Map.of(
                    "status", rejected.getStatusCode().value(),
                    "reason", String.valueOf(rejected.getBody().getDetail())));
            throw rejected;
        }
    }

    private ResponseEntity<Object> accept(String source, String timestamp, String signature, String idempotencyKey,
                                          byte[] body) {
        WebhookProperties.Source config = properties.sources().get(source);
        if (config == null || config.secret() == null || config.secret().isBlank()) {
            throw ApiProblems.problem(HttpStatus.NOT_FOUND, "webhook-source-not-found", "Not found",
                    "No webhook source named '" + source + "'.");
        }
        if (body.length > properties.maxBodySize().toBytes()) {
            throw ApiProblems.problem(HttpStatus.PAYLOAD_TOO_LARGE, "webhook-body-too-large", "Payload too large",
                    "The body is over " + properties.maxBodySize().toBytes() + " bytes.");
        }
        checkTimestamp(timestamp);
        if (!WebhookSignature.matches(config.secret(), timestamp, body, signature)) {
            throw unauthorized("The " + SIGNATURE_HEADER + " header is missing or does not match the body.");
        }
        JsonNode event = parse(body);
        String type = requiredText(event, "type", "type");
        String key = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey.strip()
                : requiredText(event, "id", "id");
        if (key.length() > 200) {
            throw ApiProblems.invalid(idempotencyKey != null ? IDEMPOTENCY_HEADER : "id",
                    "The idempotency key is longer than 200 characters.");
        }
        if (config.events() == null || !config.events().contains(type)) {
            throw ApiProblems.problem(HttpStatus.UNPROCESSABLE_ENTITY, "webhook-event-not-allowed",
                    "Unprocessable event", "Source '" + source + "' may not send '" + type + "' events.");
        }
        JsonNode data = event.path("data");
        if (!data.isObject()) {
            throw ApiProblems.invalid("data", "Field 'data' is required and must be an object.");
        }
        String actor = "webhook:" + source;
        // everything is checked before the delivery is recorded: a rejected request leaves no row behind
        return switch (type) {
            case "run.start", "drift.alert" -> startRun(source, key, type, requiredUseCase(data), actor);
            case "feedback.batch" -> ingestFeedback(source, key, type, data, actor);
            case "fine_tune.callback" -> fineTuneCallback(source, key, type, data, actor);
            default -> throw ApiProblems.problem(HttpStatus.UNPROCESSABLE_ENTITY, "webhook-event-unknown",
                    "Unprocessable event", "Event type '" + type + "' is not one this app handles.");
        };
    }

    private ResponseEntity<Object> startRun(String source, String key, String type, String useCase, String actor) {
        if (!recordDelivery(source, key, type)) {
            return firstAnswer(source, key);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        int status;
        try {
            LifecycleRun run = runService.start(useCase, actor);
            answer.put("event", type);
            answer.put("runId", run.id());
            answer.put("status", run.status());
            status = HttpStatus.ACCEPTED.value();
        } catch (ErrorResponseException refused) {
            answer.put("type", String.valueOf(refused.getBody().getType()));
            answer.put("detail", refused.getBody().getDetail());
            answer.put("field", refused.getBody().getProperties() == null ? null
                    : refused.getBody().getProperties().get("field"));
            status = refused.getStatusCode().value();
        }
        return answer(source, key, status, answer);
    }

    /** The feedback rows, the delivery and its answer are written in one transaction: all of it or none. */
    private ResponseEntity<Object> ingestFeedback(String source, String key, String type, JsonNode data,
                                                  String actor) {
        JsonNode items = data.path("items");
        if (!items.isArray() || items.isEmpty()) {
            throw ApiProblems.invalid("data.items", "Field 'data.items' is required and must be a non-empty array.");
        }
        String defaultUseCase = data.path("useCase").isTextual() ? data.path("useCase").asText() : null;
        List<FeedbackItem> parsed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw ApiProblems.invalid("data.items[" + i + "]", "Item " + i + " must be an object.");
            }
            try {
                FeedbackItem one = feedback.parse(item);
                parsed.add(one.useCase() != null || defaultUseCase == null ? one : new FeedbackItem(defaultUseCase,
                        one.interactionId(), one.externalId(), one.input(), one.output(), one.promptVersion(),
                        one.subjectId(), one.rating(), one.correctedOutput(), one.comment()));
            } catch (ErrorResponseException bad) {
                Object field = bad.getBody().getProperties() == null ? null : bad.getBody().getProperties().get("field");
                throw ApiProblems.invalid("data.items[" + i + "]." + field, "Item " + i + ": "
                        + bad.getBody().getDetail());
            }
        }
        FeedbackIngest.Prepared prepared = feedback.prepare(parsed, "data.items");
        ResponseEntity<Object> answered = transaction.execute(status -> {
            if (!recordDelivery(source, key, type)) {
                return null;
            }
            FeedbackIngest.Ingested ingested = feedback.write(prepared, actor);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("event", type);
            answer.put("items", ingested.items());
            answer.put("interactionsCreated", ingested.interactionsCreated());
            answer.put("feedbackCreated", ingested.feedbackCreated());
            return answer(source, key, HttpStatus.ACCEPTED.value(), answer);
        });
        return answered != null ? answered : firstAnswer(source, key);
    }

    /**
     * A fine-tuning provider says its job moved on: the waiting fine-tune stage is woken up to check it now
     * instead of at its next poll (the check asks the provider, so a forged status would change nothing).
     */
    private ResponseEntity<Object> fineTuneCallback(String source, String key, String type, JsonNode data,
                                                    String actor) {
        String jobId = requiredText(data, "jobId", "data.jobId");
        FineTuneJob job = fineTuneJobs.findByExternalId(jobId).orElseThrow(() -> ApiProblems.problem(
                HttpStatus.UNPROCESSABLE_ENTITY, "webhook-fine-tune-job-unknown", "Unprocessable event",
                "No fine-tuning job with provider id '" + jobId + "'."));
        if (!recordDelivery(source, key, type)) {
            return firstAnswer(source, key);
        }
        String reported = data.path("status").isTextual() ? data.path("status").asText() : null;
        camunda.newPublishMessageCommand()
                .messageName(FINE_TUNE_CALLBACK_MESSAGE)
                .correlationKey(job.runId().toString())
                .messageId(source + ":" + key)
                .timeToLive(Duration.ofMinutes(10))
                .send()
                .join();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("jobId", jobId);
        details.put("reportedStatus", reported);
        audit.record(actor, "FINE_TUNE_CALLBACK", "fine_tune_job", job.id(), job.runId(), details);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", type);
        answer.put("runId", job.runId());
        answer.put("fineTuneJobId", job.id());
        answer.put("correlated", FINE_TUNE_CALLBACK_MESSAGE);
        return answer(source, key, HttpStatus.ACCEPTED.value(), answer);
    }

    private String requiredUseCase(JsonNode data) {
        String useCase = requiredText(data, "useCase", "data.useCase");
        if (!jdbc.sql("select exists (select 1 from use_case where key = ?)").param(useCase).query(Boolean.class)
                .single()) {
            throw ApiProblems.invalid("data.useCase", "Unknown use case '" + useCase + "'.");
        }
        return useCase;
    }

    /** Claims the idempotency key; false when another delivery with it came first. */
    private boolean recordDelivery(String source, String key, String type) {
        return jdbc.sql("""
                        insert into webhook_delivery (source, idempotency_key, event_type) values (?, ?, ?)
                        on conflict (source, idempotency_key) do nothing""")
                .params(source, key, type).update() == 1;
    }

    private ResponseEntity<Object> answer(String source, String key, int status, Map<String, Object> answer) {
        String response = Jsonb.write(json, answer);
        jdbc.sql("""
                        update webhook_delivery set status_code = ?, response = ?, answered_at = now()
                        where source = ? and idempotency_key = ?""")
                .params(status, response, source, key).update();
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(response);
    }

    /** A repeated delivery: the first one's answer, waiting for it if the first is still being processed. */
    private ResponseEntity<Object> firstAnswer(String source, String key) {
        Instant deadline = Instant.now().plus(WAIT_FOR_FIRST_ANSWER);
        while (true) {
            Optional<Map<String, Object>> row = jdbc.sql("""
                            select status_code, response from webhook_delivery
                            where source = ? and idempotency_key = ? and status_code is not null""")
                    .params(source, key).query().listOfRows().stream().findFirst();
            if (row.isPresent()) {
                return ResponseEntity.status((Integer) row.get().get("status_code"))
                        .header("Idempotent-Replayed", "true").contentType(MediaType.APPLICATION_JSON)
                        .body(row.get().get("response"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw ApiProblems.conflict("webhook-in-progress", "The first delivery with this key is still "
                        + "being processed; retry later.");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void checkTimestamp(String timestamp) {
        if (timestamp == null || !timestamp.strip().matches("\\d{1,12}")) {
            throw unauthorized("The " + TIMESTAMP_HEADER + " header (unix seconds) is missing or malformed.");
        }
        long age = Instant.now().getEpochSecond() - Long.parseLong(timestamp.strip());
        if (Math.abs(age) > properties.replayWindow().toSeconds()) {
            throw unauthorized("The timestamp is outside the replay window of " + properties.replayWindow() + ".");
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode event = json.readTree(body);
            if (event == null || !event.isObject()) {
                throw ApiProblems.invalid("body", "The body must be a JSON object.");
            }
            return event;
        } catch (IOException e) {
            throw ApiProblems.invalid("body", "The body is not valid JSON.");
        }
    }

    private static String requiredText(JsonNode node, String name, String field) {
        JsonNode value = node.path(name);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiProblems.invalid(field, "Field '" + field + "' is required and must be a non-empty string.");
        }
        return value.asText();
    }

    private static ErrorResponseException unauthorized(String detail) {
        ErrorResponseException e = ApiProblems.problem(HttpStatus.UNAUTHORIZED, "webhook-unauthenticated",
                "Unauthorized", detail);
        ProblemDetail body = e.getBody();
        body.setInstance(URI.create("/api/webhooks"));
        return e;
    }
}
