package org.hybridllm.lifecycle.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiException;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.NotFound;
import org.hybridllm.lifecycle.api.Page;
import org.hybridllm.lifecycle.api.Refused;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's run pages: the runs list with its filters, and a run's page: its timeline, artifacts, approvals
 * and audit trail; why an INTERRUPTED run stopped, with a Resume button for engineers; and, after a review, what
 * the decision led to. Resuming goes through {@link RunService}, as {@code POST /api/runs/{id}/resume} does.
 */
@Controller
public class RunConsoleController {

    static final int RUNS_PER_PAGE = 25;
    private static final List<String> RESUMING_ROLES = List.of("ROLE_ENGINEER", "ROLE_ADMIN");

    /**
     * Why a run is INTERRUPTED: the reason recorded when it stopped, when, and the last stage it completed (the
     * one a resume continues after; null when it completed none).
     */
    public record Interruption(String reason, OffsetDateTime at, String lastCompletedStage,
                               OffsetDateTime lastCompletedAt) {
    }

    private final RunQueries queries;
    private final RunService service;
    private final AuditLog audit;
    private final UseCaseRepository useCases;
    private final ObjectMapper json;

    public RunConsoleController(RunQueries queries, RunService service, AuditLog audit, UseCaseRepository useCases,
                                ObjectMapper json) {
        this.queries = queries;
        this.service = service;
        this.audit = audit;
        this.useCases = useCases;
        this.json = json;
    }

    @GetMapping("/console/runs")
    public String list(@RequestParam(required = false) String useCase,
                       @RequestParam(required = false) String status,
                       @RequestParam(required = false) String outcome,
                       @RequestParam(required = false) String startedBy,
                       @RequestParam(required = false) String createdFrom,
                       @RequestParam(required = false) String createdTo,
                       @RequestParam(defaultValue = "0") int page,
                       Model model, HttpServletResponse response) {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("useCase", orEmpty(useCase));
        filters.put("status", orEmpty(status));
        filters.put("outcome", orEmpty(outcome));
        filters.put("startedBy", orEmpty(startedBy));
        filters.put("createdFrom", orEmpty(createdFrom));
        filters.put("createdTo", orEmpty(createdTo));
        model.addAttribute("filters", filters);
        model.addAttribute("useCases", useCases.findAll().stream().map(UseCase::key).sorted().toList());
        model.addAttribute("statuses", RunStatus.values());
        model.addAttribute("outcomes", RunOutcome.values());
        try {
            RunFilter filter = RunFilter.parse(useCase, status, outcome, startedBy, createdFrom, createdTo);
            model.addAttribute("runs", queries.list(filter, new Page.PageRequest(page, RUNS_PER_PAGE)));
        } catch (InvalidInput invalid) {
            // the form stays as sent, with the refusal beside it
            model.addAttribute("error", invalid.detail());
            model.addAttribute("errorField", invalid.field());
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        return "console/runs";
    }

    @GetMapping("/console/runs/{id}")
    public String run(@PathVariable UUID id, Authentication user, Model model) {
        RunView run = queries.view(id).orElseThrow(() -> new NotFound("run", id));
        model.addAttribute("run", run);
        model.addAttribute("audit", audit.forRun(id));
        // the split files' artifacts link to the page of the dataset version they make up
        model.addAttribute("datasetId", queries.builtDatasetVersion(id).orElse(null));
        model.addAttribute("mayResume", run.status() == RunStatus.INTERRUPTED && mayResume(user));
        if (run.status() == RunStatus.INTERRUPTED) {
            model.addAttribute("interruption", interruption(run));
        }
        lastDecision(run).ifPresent(decision -> model.addAttribute("lastDecision", decision));
        model.addAttribute("nextStep", nextStep(run, lastDecision(run).orElse(null)));
        return "console/run";
    }

    /** The console's form for {@code POST /api/runs/{id}/resume}: the same service, the same roles. */
    @PostMapping("/console/runs/{id}/resume")
    public String resume(@PathVariable UUID id, Authentication user, RedirectAttributes redirect) {
        if (!mayResume(user)) {
            throw new Refused(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "Only an ENGINEER or ADMIN may resume a run.");
        }
        try {
            LifecycleRun resumed = service.resume(id, user.getName());
            redirect.addFlashAttribute("message", "Resumed: attempt " + resumed.attempt() + " is "
                    + resumed.status() + "; completed stages are not run again.");
        } catch (NotFound notFound) {
            throw notFound;
        } catch (ApiException refused) {
            // not interrupted (any more), or the engine did not answer: said on the run's page
            redirect.addFlashAttribute("error", "Not resumed: " + refused.detail());
        }
        return "redirect:/console/runs/" + id;
    }

    private static boolean mayResume(Authentication user) {
        return user != null && user.getAuthorities().stream().anyMatch(a -> RESUMING_ROLES.contains(a.getAuthority()));
    }

    private Interruption interruption(RunView run) {
        Optional<AuditLog.Event> event = audit.latest(run.id(), "RUN_INTERRUPTED");
        String reason = event.map(e -> reason(e.details())).orElse(null);
        RunView.Stage last = run.stages().isEmpty() ? null : run.stages().getLast();
        return new Interruption(reason == null ? "not recorded" : reason, event.map(AuditLog.Event::occurredAt)
                .orElse(null), last == null ? null : last.stage(), last == null ? null : last.completedAt());
    }

    private String reason(String details) {
        try {
            JsonNode reason = json.readTree(details).path("reason");
            return reason.isTextual() ? reason.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The review decided last (approved, rejected or sent back), if any was. */
    private static Optional<RunView.ApprovalSummary> lastDecision(RunView run) {
        return run.approvals().stream().filter(a -> a.decidedAt() != null)
                .max(Comparator.comparing(RunView.ApprovalSummary::decidedAt));
    }

    /** What happens next to the run, in the words of its state (and of the decision that led there). */
    static String nextStep(RunView run, RunView.ApprovalSummary decision) {
        String outcome = run.outcome() == null ? "" : run.outcome();
        return switch (run.status()) {
            case QUEUED -> "Queued: accepted by a webhook; its process instance is created as soon as the engine "
                    + "takes it.";
            case RUNNING -> decision != null && "APPROVED".equals(decision.status()) && run.pendingApprovals().isEmpty()
                    ? "Approved: the engine is promoting the candidate; this page shows the outcome once it is done."
                    : "Running: the stage after " + lastStage(run) + " is in progress.";
            case AWAITING_APPROVAL -> run.pendingApprovals().isEmpty()
                    ? "Waiting for the engine to take the review's decision."
                    : run.pendingApprovals().stream().map(a -> "Waiting for the " + a.gateType() + " review: "
                            + a.approvedBy().size() + " of " + a.requiredApprovals() + " approvals.")
                    .reduce((a, b) -> a + " " + b).orElseThrow();
            case AWAITING_CHANGES -> "Changes requested" + by(decision) + ": once the engineer reports them "
                    + "addressed (POST /api/runs/" + run.id() + "/changes-addressed), the stages from the one the "
                    + "reviewer chose run again and a new review opens.";
            case COMPLETED -> switch (outcome) {
                case "PROMOTED" -> "Promoted" + by(decision) + ": the candidate is the champion of "
                        + run.useCase() + " now. Nothing more happens in this run.";
                case "CHAMPION_KEPT" -> "The candidate did not beat the champion: the champion stays. Nothing "
                        + "more happens in this run.";
                case "KEEP_PROMPTING" -> "Prompting has not plateaued: no model was trained; keep iterating the "
                        + "prompt, then start a new run.";
                case "NOTHING_TO_DO" -> "Nothing to train: the champion meets the target or no feedback arrived "
                        + "since its dataset.";
                default -> "Completed (" + outcome + "). Nothing more happens in this run.";
            };
            case REJECTED -> "Rejected" + by(decision) + ": the champion stays. Address the reviewer's comment and "
                    + "start a new run.";
            case FAILED -> "CHAMPION_CHANGED".equals(outcome)
                    ? "Approved, but another run promoted a new champion meanwhile: not promoted. Start a new run "
                    + "to compare with the new champion."
                    : "Failed (" + outcome + "): start a new run once the cause above is fixed.";
            case INTERRUPTED -> "Interrupted: resume it to continue after " + lastStage(run)
                    + "; completed stages are not run again.";
            case CANCELLED -> "Cancelled: nothing more happens in this run.";
        };
    }

    private static String by(RunView.ApprovalSummary decision) {
        return decision == null || decision.decidedBy() == null ? "" : " by " + decision.decidedBy();
    }

    private static String lastStage(RunView run) {
        return run.stages().isEmpty() ? "the start" : run.stages().getLast().stage();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
