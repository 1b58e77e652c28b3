package org.hybridllm.lifecycle.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hybridllm.lifecycle.api.ApiException;
import org.hybridllm.lifecycle.api.ApiExceptionHandler;
import org.hybridllm.lifecycle.api.Conflict;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.api.Refused;
import org.hybridllm.lifecycle.api.StorableText;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/webhooks/{source}}: signed events from other systems. Checked in this order: known source (404),
 * body size (413), timestamp within the replay window and HMAC signature (401), body (400, also for text
 * PostgreSQL cannot store, naming the field), event allowed for the source (422). An accepted event is stored
 * under its idempotency key before anything starts, so a retried delivery — also a concurrent one — gets the
 * first answer and starts nothing twice; the same key with a different body is refused (422, naming the key's
 * field), and a delivery left unanswered by a crash is taken over after {@code lifecycle.webhooks.delivery-lease}.
 * A {@code run.start} is answered 202 as soon as its run is queued (status QUEUED), without waiting for the
 * engine. A rejected request leaves nothing behind but an audit entry.
 * <p>
 * The webhook owns the protocol (signature, replay window, idempotency, answers); each event's effect belongs to
 * the module that implements its handler: {@link RunStartEvents}, {@link FeedbackBatchEvents},
 * {@link FineTuneCallbackEvents}.
 */
@RestController
@Tag(name = "Webhooks", description = "Signed events from other systems: run.start, drift.alert, feedback.batch,"
        + " fine_tune.callback")
public class WebhookController {

    public static final String TIMESTAMP_HEADER = "X-Lifecycle-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Lifecycle-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final Duration WAIT_FOR_FIRST_ANSWER = Duration.ofSeconds(30);

    private final WebhookProperties properties;
    private final WebhookDeliveries deliveries;
    private final UseCaseRepository useCases;
    private final RunStartEvents runs;
    private final DriftAlertEvents driftAlerts;
    private final FeedbackBatchEvents feedback;
    private final FineTuneCallbackEvents fineTunes;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final WebhookFaults faults;

    WebhookController(WebhookProperties properties, WebhookDeliveries deliveries, UseCaseRepository useCases,
                      RunStartEvents runs, DriftAlertEvents driftAlerts, FeedbackBatchEvents feedback,
                      FineTuneCallbackEvents fineTunes, AuditLog audit, ObjectMapper json,
                      TransactionTemplate transaction, WebhookFaults faults) {
        this.faults = faults;
        this.properties = properties;
        this.deliveries = deliveries;
        this.useCases = useCases;
        this.runs = runs;
        this.driftAlerts = driftAlerts;
        this.feedback = feedback;
        this.fineTunes = fineTunes;
        this.audit = audit;
        this.json = json;
        this.transaction = transaction;
    }

    @PostMapping(path = "/api/webhooks/{source}", consumes = MediaType.ALL_VALUE)
    @Operation(summary = "Receive a signed event from a configured source",
            description = "`sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` in " + SIGNATURE_HEADER
                    + ", unix seconds in " + TIMESTAMP_HEADER + ", optionally an " + IDEMPOTENCY_HEADER
                    + " (the event id otherwise).",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = WebhookEvent.class))))
    public ResponseEntity<Object> receive(@PathVariable String source,
                                          @RequestHeader(name = TIMESTAMP_HEADER, required = false) String timestamp,
                                          @RequestHeader(name = SIGNATURE_HEADER, required = false) String signature,
                                          @RequestHeader(name = IDEMPOTENCY_HEADER, required = false) String idempotencyKey,
                                          @RequestBody(required = false) byte[] body) {
        try {
            return accept(source, timestamp, signature, idempotencyKey, body == null ? new byte[0] : body);
        } catch (ApiException rejected) {
            audit.record("webhook:" + source, "WEBHOOK_REJECTED", "webhook", source, null, Map.of(
                    "status", ApiExceptionHandler.status(rejected).value(),
                    "reason", String.valueOf(rejected.detail())));
            throw rejected;
        }
    }

    private ResponseEntity<Object> accept(String source, String timestamp, String signature, String idempotencyKey,
                                          byte[] body) {
        WebhookProperties.Source config = properties.sources().get(source);
        if (config == null || config.secret() == null || config.secret().isBlank()) {
            throw new Refused(HttpStatus.NOT_FOUND, "webhook-source-not-found", "Not found",
                    "No webhook source named '" + source + "'.");
        }
        if (body.length > properties.maxBodySize().toBytes()) {
            throw new Refused(HttpStatus.PAYLOAD_TOO_LARGE, "webhook-body-too-large", "Payload too large",
                    "The body is over " + properties.maxBodySize().toBytes() + " bytes.");
        }
        checkTimestamp(timestamp);
        if (!WebhookSignature.matches(config.secret(), timestamp, body, signature)) {
            throw unauthorized("The " + SIGNATURE_HEADER + " header is missing or does not match the body.");
        }
        JsonNode event = parse(body);
        StorableText.require(event); // nothing below may meet (or store, or audit) a NUL or a lone surrogate
        String type = requiredText(event, "type", "type");
        String key = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey.strip()
                : requiredText(event, "id", "id");
        if (key.length() > 200) {
            throw new InvalidInput(idempotencyKey != null ? IDEMPOTENCY_HEADER : "id",
                    "The idempotency key is longer than 200 characters.");
        }
        if (config.events() == null || !config.events().contains(type)) {
            throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, "webhook-event-not-allowed",
                    "Unprocessable event", "Source '" + source + "' may not send '" + type + "' events.");
        }
        JsonNode data = event.path("data");
        if (!data.isObject()) {
            throw new InvalidInput("data", "Field 'data' is required and must be an object.");
        }
        String actor = "webhook:" + source;
        Delivery delivery = new Delivery(source, key, idempotencyKey != null && !idempotencyKey.isBlank()
                ? IDEMPOTENCY_HEADER : "id", type, sha256(body));
        // everything is checked before the delivery is recorded: a rejected request leaves no row behind
        return switch (type) {
            case "run.start" -> startRun(delivery, requiredUseCase(data), actor);
            case "drift.alert" -> alertDrift(delivery, requiredUseCase(data), data, actor);
            case "feedback.batch" -> ingestFeedback(delivery, data, actor);
            case "fine_tune.callback" -> fineTuneCallback(delivery, data, actor);
            default -> throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, "webhook-event-unknown",
                    "Unprocessable event", "Event type '" + type + "' is not one this app handles.");
        };
    }

    /**
     * The delivery, its run (QUEUED) and its start request commit together, answered at once: the process
     * instance is created by the run module's dispatcher after the commit, as fast as the engine accepts them.
     */
    private ResponseEntity<Object> startRun(Delivery delivery, String useCase, String actor) {
        return runEvent(delivery, answer -> {
            RunStartEvents.QueuedRun run = runs.queue(useCase, actor);
            answer.put("runId", run.runId());
            answer.put("status", run.status());
        });
    }

    /**
     * Like {@link #startRun}, through the monitor: the alert is recorded as a drift check and starts a run with
     * it as evidence, unless the use case has an open run (then the answer names that run, 202 all the same).
     */
    private ResponseEntity<Object> alertDrift(Delivery delivery, String useCase, JsonNode data, String actor) {
        return runEvent(delivery, answer -> {
            DriftAlertEvents.AlertedRun run = driftAlerts.alert(useCase, data, actor);
            answer.put("runId", run.runId());
            answer.put("status", run.status());
            answer.put("runStarted", run.runStarted());
            answer.put("driftCheckId", run.driftCheckId());
        });
    }

    /**
     * A delivery whose effect queues a run: claimed, carried out and answered in one transaction (202 with what
     * {@code effect} put in the answer), or answered with the problem the effect was refused with.
     */
    private ResponseEntity<Object> runEvent(Delivery delivery, Consumer<Map<String, Object>> effect) {
        return once(delivery, () -> transaction.execute(status -> {
            if (!claim(delivery)) {
                return null;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("event", delivery.type());
            int statusCode;
            try {
                effect.accept(answer);
                statusCode = HttpStatus.ACCEPTED.value();
            } catch (ApiException refused) {
                ProblemDetail problem = ApiExceptionHandler.toProblem(refused);
                answer.clear();
                answer.put("type", String.valueOf(problem.getType()));
                answer.put("detail", problem.getDetail());
                answer.put("field", refused.property("field"));
                statusCode = problem.getStatus();
            }
            return answer(delivery, statusCode, answer);
        }));
    }

    /** The feedback rows, the delivery and its answer are written in one transaction: all of it or none. */
    private ResponseEntity<Object> ingestFeedback(Delivery delivery, JsonNode data, String actor) {
        JsonNode items = data.path("items");
        if (!items.isArray() || items.isEmpty()) {
            throw new InvalidInput("data.items", "Field 'data.items' is required and must be a non-empty array.");
        }
        String defaultUseCase = data.path("useCase").isTextual() ? data.path("useCase").asText() : null;
        FeedbackBatchEvents.PreparedBatch prepared = feedback.prepare(items, defaultUseCase, "data.items");
        return once(delivery, () -> transaction.execute(status -> {
            if (!claim(delivery)) {
                return null;
            }
            FeedbackBatchEvents.WrittenBatch written = prepared.write(actor);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("event", delivery.type());
            answer.put("items", written.items());
            answer.put("interactionsCreated", written.interactionsCreated());
            answer.put("feedbackCreated", written.feedbackCreated());
            return answer(delivery, HttpStatus.ACCEPTED.value(), answer);
        }));
    }

    /** The job is looked up before the delivery is recorded: an unknown one is refused and leaves no row. */
    private ResponseEntity<Object> fineTuneCallback(Delivery delivery, JsonNode data, String actor) {
        String jobId = requiredText(data, "jobId", "data.jobId");
        FineTuneCallbackEvents.Job job = fineTunes.findJob(jobId).orElseThrow(() -> new Refused(
                HttpStatus.UNPROCESSABLE_ENTITY, "webhook-fine-tune-job-unknown", "Unprocessable event",
                "No fine-tuning job with provider id '" + jobId + "'."));
        String reported = data.path("status").isTextual() ? data.path("status").asText() : null;
        return once(delivery, () -> {
            if (!claim(delivery)) {
                return null;
            }
            // recorded, then woken, then answered: a crash in between is what the delivery lease is for (the
            // wake is idempotent by its message id, so a taken-over delivery wakes nothing twice)
            String correlated = fineTunes.wake(job, reported, delivery.source() + ":" + delivery.key(), actor);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("event", delivery.type());
            answer.put("runId", job.runId());
            answer.put("fineTuneJobId", job.id());
            answer.put("correlated", correlated);
            return answer(delivery, HttpStatus.ACCEPTED.value(), answer);
        });
    }

    private String requiredUseCase(JsonNode data) {
        String useCase = requiredText(data, "useCase", "data.useCase");
        if (useCases.idOf(useCase).isEmpty()) {
            throw new InvalidInput("data.useCase", "Unknown use case '" + useCase + "'.");
        }
        return useCase;
    }

    private boolean claim(Delivery delivery) {
        boolean claimed = deliveries.claim(delivery.source(), delivery.key(), delivery.type(), delivery.sha256(),
                properties.deliveryLease());
        if (claimed) {
            faults.deliveryClaimed(delivery.type(), delivery.key());
        }
        return claimed;
    }

    private ResponseEntity<Object> answer(Delivery delivery, int status, Map<String, Object> answer) {
        String response = Jsonb.write(json, answer);
        deliveries.recordAnswer(delivery.source(), delivery.key(), status, response);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(response);
    }

    /**
     * Processes the delivery once per idempotency key: {@code attempt} claims the key and answers, or returns null
     * when another delivery holds it. Then the other's answer is replayed, waiting for it while it is being
     * processed; the same key with a different body is refused (422); a delivery left unanswered past its lease
     * (its process crashed) is taken over by the next attempt.
     */
    private ResponseEntity<Object> once(Delivery delivery, Supplier<ResponseEntity<Object>> attempt) {
        Instant deadline = Instant.now().plus(WAIT_FOR_FIRST_ANSWER);
        while (true) {
            ResponseEntity<Object> answered = attempt.get();
            if (answered != null) {
                return answered;
            }
            Optional<WebhookDeliveries.Recorded> first = deliveries.find(delivery.source(), delivery.key());
            if (first.isPresent() && first.get().sha256() != null
                    && !first.get().sha256().equals(delivery.sha256())) {
                throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, "webhook-idempotency-key-reused",
                        "Unprocessable event", "The " + delivery.keyField() + " '" + delivery.key()
                        + "' was already used by a delivery with a different body.")
                        .with("field", delivery.keyField());
            }
            if (first.isPresent() && first.get().statusCode() != null) {
                return ResponseEntity.status(first.get().statusCode())
                        .header("Idempotent-Replayed", "true").contentType(MediaType.APPLICATION_JSON)
                        .body(first.get().response());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new Conflict("webhook-in-progress", "The first delivery with this key is still "
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

    /** @param keyField where the idempotency key came from: the header or the event's {@code id} */
    private record Delivery(String source, String key, String keyField, String type, String sha256) {
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
                throw new InvalidInput("body", "The body must be a JSON object.");
            }
            return event;
        } catch (IOException e) {
            throw new InvalidInput("body", "The body is not valid JSON.");
        }
    }

    private static String requiredText(JsonNode node, String name, String field) {
        JsonNode value = node.path(name);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidInput(field, "Field '" + field + "' is required and must be a non-empty string.");
        }
        return value.asText();
    }

    private static Refused unauthorized(String detail) {
        Refused refused = new Refused(HttpStatus.UNAUTHORIZED, "webhook-unauthenticated", "Unauthorized", detail);
        refused.instance(URI.create("/api/webhooks"));
        return refused;
    }
}
