package org.hybridllm.lifecycle.erasure;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Conflict;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A use case's retention period, and its retraining run (after an erasure tainted the champion, or any time). */
@RestController
@RequestMapping("/api/use-cases/{key}")
@Tag(name = "Retention and retraining", description = "How long a use case keeps its interactions and feedback, "
        + "and the one call that retrains a tainted champion")
public class UseCaseErasureController {

    /** @param retentionPeriod ISO-8601 (P365D, P1Y, P6M, PT12H); null clears it (rows are kept) */
    public record RetentionRequest(String retentionPeriod) {
    }

    public record Retention(String useCase, String retentionPeriod) {
    }

    /** The run started, or (409) the one open. */
    public record RetrainStarted(String useCase, UUID runId, boolean championTainted) {
    }

    private final UseCaseRepository useCases;
    private final Retraining retraining;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    UseCaseErasureController(UseCaseRepository useCases, Retraining retraining, AuditLog audit,
                             TransactionTemplate transaction) {
        this.useCases = useCases;
        this.retraining = retraining;
        this.audit = audit;
        this.transaction = transaction;
    }

    @GetMapping("/retention")
    @Operation(summary = "The use case's retention period for interactions and feedback (null: kept)")
    public Retention retention(@PathVariable String key) {
        UseCase useCase = useCases.require(key);
        return new Retention(key, useCases.retention(useCase.id()).period());
    }

    @PutMapping("/retention")
    @Operation(summary = "Set (or clear with null) the retention period, an ISO-8601 duration; the daily retention "
            + "process deletes older rows and taints what was built from them (ADMIN)")
    public Retention setRetention(@PathVariable String key, @RequestBody RetentionRequest request, Principal user) {
        UseCase useCase = useCases.require(key);
        if (request == null) {
            throw new InvalidInput("retentionPeriod", "A body {\"retentionPeriod\": \"P365D\"} is required.");
        }
        String period = null;
        if (request.retentionPeriod() != null) {
            try {
                period = RetentionPeriod.parse(request.retentionPeriod()).text();
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("retentionPeriod", e.getMessage());
            }
        }
        String stored = period;
        transaction.executeWithoutResult(status -> {
            String before = useCases.retention(useCase.id()).period();
            useCases.setRetention(useCase.id(), stored);
            Map<String, Object> details = new HashMap<>();
            details.put("retentionPeriod", stored);
            details.put("before", before);
            audit.record(user.getName(), "RETENTION_SET", "use_case", key, null, details);
        });
        return new Retention(key, stored);
    }

    @PostMapping("/retrain")
    @Operation(summary = "Start the use case's retraining run (a lifecycle run on the rows as they are now); 409 "
            + "naming the open run when one is open")
    public ResponseEntity<RetrainStarted> retrain(@PathVariable String key, Principal user) {
        Retraining.Retrain retrain = retraining.retrain(key, user.getName(), "retrain requested");
        if (!retrain.started()) {
            throw new Conflict("run-open", "Use case '" + key + "' has an open run" + (retrain.runId() == null
                    ? "" : " (" + retrain.runId() + ")") + ": at most one open run per use case.");
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new RetrainStarted(key, retrain.runId(), retrain.championTainted()));
    }
}
