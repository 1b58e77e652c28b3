package org.hybridllm.lifecycle.monitor;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;
import org.hybridllm.lifecycle.api.Conflict;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.hybridllm.lifecycle.api.Page;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/use-cases/{key}")
@Tag(name = "Monitoring", description = "The monitor process of a use case with a champion: its settings and its "
        + "drift checks (every signal with its reference, threshold and whether it tripped, and the run it started)")
public class MonitorController {

    /** Shorter intervals would keep the engine and the model busy with checks of a handful of calls. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** Nothing was logged before; PostgreSQL's timestamps also end long before Instant's range does. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private final DriftCheckRepository checks;
    private final DriftChecker checker;
    private final ModelRegistry models;
    private final Monitors monitors;
    private final UseCaseRepository useCases;
    private final MonitorProperties properties;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    MonitorController(DriftCheckRepository checks, DriftChecker checker, ModelRegistry models, Monitors monitors, UseCaseRepository useCases,
                      MonitorProperties properties, AuditLog audit, TransactionTemplate transaction) {
        this.checks = checks;
        this.checker = checker;
        this.models = models;
        this.monitors = monitors;
        this.useCases = useCases;
        this.properties = properties;
        this.audit = audit;
        this.transaction = transaction;
    }

    /** @param interval ISO-8601 duration between checks; null: {@code lifecycle.monitor.interval} */
    public record MonitoringRequest(Boolean enabled, String interval) {
    }

    /**
     * @param interval        the interval in force (the use case's own or the default)
     * @param ownInterval     the use case's own interval, null when it uses the default
     * @param processInstanceKey the monitor instance watching it now; null: not watched (no champion, or off)
     */
    public record Monitoring(String useCase, boolean enabled, String interval, String ownInterval,
                             Long processInstanceKey, OffsetDateTime watchedSince, DriftCheck lastCheck) {
    }

    @GetMapping("/drift-checks")
    @Operation(summary = "List the use case's drift checks, newest first")
    public Page<DriftCheck> driftChecks(@PathVariable String key, @RequestParam(defaultValue = "0") int page,
                                        @RequestParam(defaultValue = "20") int size) {
        UseCase useCase = useCases.require(key);
        Page.PageRequest request = new Page.PageRequest(page, size);
        return Page.of(checks.list(useCase.id(), request.size(), request.offset()), request,
                checks.count(useCase.id()));
    }

    /** @param from the window's start (exclusive), default the end of the monitor's last evaluated window;
     *  @param to its end, default now */
    public record CheckRequest(OffsetDateTime from, OffsetDateTime to) {
    }

    @PostMapping("/drift-checks")
    @Operation(summary = "Run a drift check of the use case now and record it",
            description = "Over `from` (exclusive) to `to` (default: since the monitor's last evaluated window, or "
                    + "the reference window, to now), against the champion. Recorded with source `API`; it does "
                    + "not move the monitor's window and starts no run (the monitor's own checks do). 409 without "
                    + "a champion.")
    public ResponseEntity<DriftCheck> checkNow(@PathVariable String key,
                                               @RequestBody(required = false) CheckRequest request) {
        UseCase useCase = useCases.require(key);
        Instant to = request == null || request.to() == null ? Instant.now() : request.to().toInstant();
        Instant from = request != null && request.from() != null ? request.from().toInstant()
                : checks.lastEvaluatedEnd(useCase.id()).orElse(to.minus(properties.referenceWindow()));
        if (to.isAfter(Instant.now().plus(Duration.ofDays(1))) || to.isBefore(EARLIEST)) {
            throw new InvalidInput("to", "'to' must lie between " + EARLIEST + " and tomorrow.");
        }
        if (!from.isBefore(to) || from.isBefore(EARLIEST)) {
            throw new InvalidInput("from", "'from' must be before 'to' and not before " + EARLIEST + ".");
        }
        ModelAlias champion = models.alias(useCase.id(), ModelAlias.CHAMPION).orElseThrow(() -> new Conflict(
                "no-champion", "Use case '" + key + "' has no champion to check drift against."));
        ModelVersion model = models.get(champion.modelVersionId());
        long started = System.nanoTime();
        DriftChecker.Result result = checker.check(useCase, model, from, to);
        long id = checks.insert(new DriftCheckRepository.NewCheck(useCase.id(), "API", null, null, model.id(), from,
                to, result.interactions(), result.sampled(), result.evaluated(), result.tripped(), result.signals(),
                (System.nanoTime() - started) / 1_000_000));
        return ResponseEntity.status(HttpStatus.CREATED).body(checks.find(id).orElseThrow());
    }

    @GetMapping("/monitoring")
    @Operation(summary = "Show whether and how often the use case is monitored, and its last drift check")
    public Monitoring monitoring(@PathVariable String key) {
        return view(useCases.require(key));
    }

    @PutMapping("/monitoring")
    @Operation(summary = "Switch the use case's monitoring on or off and set its check interval",
            description = "`interval`: ISO-8601 duration (at least PT1S), or null for the default "
                    + "`lifecycle.monitor.interval`; applies from the next check. Switched on with a champion, a "
                    + "monitor instance is started if none is watching; switched off, the instance ends at its next "
                    + "check.")
    public Monitoring configure(@PathVariable String key, @RequestBody MonitoringRequest request, Principal user) {
        UseCase useCase = useCases.require(key);
        if (request == null || request.enabled() == null) {
            throw new InvalidInput("enabled", "Field 'enabled' is required (true or false).");
        }
        String interval = null;
        if (request.interval() != null) {
            try {
                Duration parsed = Duration.parse(request.interval().strip());
                if (parsed.compareTo(MIN_INTERVAL) < 0) {
                    throw new InvalidInput("interval", "The interval must be at least " + MIN_INTERVAL + ".");
                }
                interval = parsed.toString();
            } catch (DateTimeParseException e) {
                throw new InvalidInput("interval", "The interval must be an ISO-8601 duration, e.g. PT1H.");
            }
        }
        String chosen = interval;
        transaction.executeWithoutResult(status -> {
            checks.updateSettings(useCase.id(), request.enabled(), chosen, user.getName());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("enabled", request.enabled());
            details.put("interval", chosen);
            audit.record(user.getName(), "MONITORING_CONFIGURED", "use_case", key, null, details);
        });
        if (request.enabled()) {
            monitors.ensure(useCase.id());
        }
        return view(useCase);
    }

    private Monitoring view(UseCase useCase) {
        DriftCheckRepository.Monitor monitor = checks.monitor(useCase.id()).orElse(null);
        DriftCheck last = checks.list(useCase.id(), 1, 0).stream().findFirst().orElse(null);
        return new Monitoring(useCase.key(), properties.enabled() && (monitor == null || monitor.enabled()),
                monitors.interval(monitor).toString(), monitor == null ? null : monitor.checkInterval(),
                monitor == null ? null : monitor.processInstanceKey(), monitor == null ? null : monitor.startedAt(),
                last);
    }
}
