package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.evaluate.ClassificationMetrics;
import org.hybridllm.lifecycle.evaluate.EvalResults;
import org.hybridllm.lifecycle.provider.ChatJsonl;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunQueries;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import java.util.ArrayList;
import java.io.IOException;

/**
 * The reviewer console (server-rendered, Thymeleaf + htmx + Chart.js): the review queue, a review with its
 * evidence and checklist, a run's timeline, artifacts and audit trail, and the history of decisions. Deciding goes
 * through {@link ApprovalService}, so the page cannot do anything the policy does not allow.
 */
@Controller
public class ReviewConsoleController {

    private static final TypeReference<Map<String, Object>> EVIDENCE = new TypeReference<>() { };
    private static final int SAMPLE_ROWS = 5;

    private final ApprovalRepository approvals;
    private final ApprovalService service;
    private final RunQueries runs;
    private final AuditLog audit;
    private final EvalResults evalResults;
    private final DatasetRepository datasets;
    private final ArtifactStore artifacts;
    private final ObjectMapper json;

    public ReviewConsoleController(ApprovalRepository approvals, ApprovalService service, RunQueries runs,
                                   AuditLog audit, EvalResults evalResults, DatasetRepository datasets,
                                   ArtifactStore artifacts, ObjectMapper json) {
        this.approvals = approvals;
        this.service = service;
        this.runs = runs;
        this.audit = audit;
        this.evalResults = evalResults;
        this.datasets = datasets;
        this.artifacts = artifacts;
        this.json = json;
    }

    public record QueueRow(Approval approval, String useCase, String age) {
    }

    @GetMapping({"/", "/console"})
    public String queue(@RequestParam(required = false) String gateType, Model model) {
        model.addAttribute("rows", queueRows(gateType));
        model.addAttribute("gateType", gateType);
        return "console/queue";
    }

    /** The queue's table alone, for htmx to swap in when the filter changes. */
    @GetMapping("/console/queue-rows")
    public String queueRowsFragment(@RequestParam(required = false) String gateType, Model model) {
        model.addAttribute("rows", queueRows(gateType));
        return "console/queue :: rows";
    }

    private List<QueueRow> queueRows(String gateType) {
        return approvals.findPending().stream()
                .filter(a -> gateType == null || gateType.isBlank() || a.gateType().equals(gateType))
                .map(a -> new QueueRow(a, runs.view(a.runId()).map(r -> r.useCase()).orElse("?"),
                        age(a.createdAt())))
                .toList();
    }

    @GetMapping("/console/reviews/{id}")
    public String review(@PathVariable UUID id, @RequestParam(defaultValue = "0") int failuresPage, Model model) {
        Approval approval = approvals.find(id).orElseThrow(() -> ApiProblems.notFound("approval", id));
        Map<String, Object> evidence = readEvidence(approval);
        examples(evidence, Math.max(failuresPage, 0), model);
        model.addAttribute("approval", approval);
        model.addAttribute("evidence", evidence);
        model.addAttribute("evidenceSha256", Sha256.of(approval.evidence()));
        model.addAttribute("checklist", ReviewChecklist.values());
        model.addAttribute("run", runs.view(approval.runId()).orElseThrow());
        model.addAttribute("chart", chart(evidence));
        if (evidence.get("datasetVersionId") instanceof Number datasetId) {
            DatasetVersion dataset = datasets.get(datasetId.longValue());
            model.addAttribute("dataset", dataset);
            model.addAttribute("sampleRows", ChatJsonl.read(json,
                    artifacts.readVerified(artifacts.find(dataset.trainArtifactId()))).stream()
                    .limit(SAMPLE_ROWS).toList());
        }
        return "console/review";
    }

    @PostMapping("/console/reviews/{id}/decision")
    public String decide(@PathVariable UUID id, @RequestParam Map<String, String> form, Authentication user,
                         Model model, RedirectAttributes redirect, HttpServletResponse response) {
        Map<ReviewChecklist, DecisionRequest.ChecklistEntry> checklist = new EnumMap<>(ReviewChecklist.class);
        for (ReviewChecklist item : ReviewChecklist.values()) {
            boolean ticked = "on".equals(form.get("item_" + item.name()));
            String note = form.getOrDefault("note_" + item.name(), "").strip();
            checklist.put(item, new DecisionRequest.ChecklistEntry(ticked, note.isEmpty() ? null : note));
        }
        DecisionRequest.Decision decision;
        try {
            decision = DecisionRequest.Decision.valueOf(form.getOrDefault("decision", ""));
        } catch (IllegalArgumentException e) {
            decision = null;
        }
        try {
            if (decision == null) {
                throw ApiProblems.invalid("decision", "Choose approve or reject.");
            }
            boolean reviewer = user.getAuthorities().stream()
                    .anyMatch(a -> a.getAuthority().equals("ROLE_" + ApprovalService.REVIEWER_ROLE));
            DecisionRequest.ChangeTarget changeTarget = null;
            if (decision == DecisionRequest.Decision.REQUEST_CHANGES && form.get("changeTarget") != null) {
                try {
                    changeTarget = DecisionRequest.ChangeTarget.valueOf(form.get("changeTarget"));
                } catch (IllegalArgumentException e) {
                    throw ApiProblems.invalid("changeTarget", "Send the run back to PROMPT or DATASET.");
                }
            }
            Approval decided = service.decide(id, new DecisionRequest(decision, form.get("comment"), checklist,
                    form.get("evidenceSha256"), changeTarget), new ApprovalService.Reviewer(user.getName(), reviewer));
            redirect.addFlashAttribute("message", decided.status() == Approval.Status.PENDING
                    ? "Approval recorded; the gate is not decided yet. " + decided.reviewPolicy()
                    : "Decision recorded: " + decided.status());
            return "redirect:/console/runs/" + decided.runId();
        } catch (ErrorResponseException refused) {
            model.addAttribute("error", refused.getBody().getDetail());
            model.addAttribute("form", form);
            response.setStatus(refused.getStatusCode().value());
            return review(id, 0, model);
        }
    }

    @GetMapping("/console/runs/{id}")
    public String run(@PathVariable UUID id, Model model) {
        model.addAttribute("run", runs.view(id).orElseThrow(() -> ApiProblems.notFound("run", id)));
        model.addAttribute("audit", audit.forRun(id));
        // the split files' artifacts link to the page of the dataset version they make up
        model.addAttribute("datasetId", datasets.findByRun(id).map(DatasetVersion::id).orElse(null));
        return "console/run";
    }

    @GetMapping("/console/history")
    public String history(Model model) {
        model.addAttribute("approvals", approvals.findDecided(200));
        return "console/history";
    }

    /**
     * Every kind's per-example evidence: the scorers' summaries of champion and candidate (extraction's per-field
     * table among them), and the examples the candidate failed, beside the champion's answers, a page at a time.
     */
    private void examples(Map<String, Object> evidence, int page, Model model) {
        if (evidence.get("championEvalRunId") instanceof Number champion
                && evidence.get("candidateEvalRunId") instanceof Number candidate) {
            model.addAttribute("championScores", evalResults.metrics(champion.longValue()));
            model.addAttribute("candidateScores", evalResults.metrics(candidate.longValue()));
            long failures = evalResults.failures(candidate.longValue());
            model.addAttribute("failureCount", failures);
            model.addAttribute("failuresPage", page);
            model.addAttribute("failuresPages", (failures + FAILURES_PER_PAGE - 1) / FAILURES_PER_PAGE);
            model.addAttribute("failures", evalResults.sideBySide(candidate.longValue(), champion.longValue(), true,
                    page * FAILURES_PER_PAGE, FAILURES_PER_PAGE));
        }
    }

    /** Per-label F1 of champion and candidate, plus overall accuracy, for Chart.js. */
    private static final int FAILURES_PER_PAGE = 20;

    private Map<String, Object> chart(Map<String, Object> evidence) {
        Map<String, Object> chart = new LinkedHashMap<>();
        if (evidence.get("championEvalRunId") instanceof Number champion
                && evidence.get("candidateEvalRunId") instanceof Number candidate) {
            List<ClassificationMetrics.LabelMetrics> a = evalResults.perLabel(champion.longValue());
            List<ClassificationMetrics.LabelMetrics> b = evalResults.perLabel(candidate.longValue());
            List<String> labels = new ArrayList<>(a.stream().map(ClassificationMetrics.LabelMetrics::label).toList());
            List<Object> championF1 = new ArrayList<>(a.stream().map(ClassificationMetrics.LabelMetrics::f1).toList());
            List<Object> candidateF1 = new ArrayList<>(b.stream().map(ClassificationMetrics.LabelMetrics::f1).toList());
            labels.add("overall (macro)"); // the last bar pair: the whole test split
            championF1.add(evidence.get("championMacroF1"));
            candidateF1.add(evidence.get("candidateMacroF1"));
            chart.put("labels", labels);
            chart.put("champion", championF1);
            chart.put("candidate", candidateF1);
        }
        return chart;
    }

    private Map<String, Object> readEvidence(Approval approval) {
        try {
            return json.readValue(approval.evidence(), EVIDENCE);
        } catch (IOException e) {
            throw new ErrorResponseException(HttpStatus.INTERNAL_SERVER_ERROR, e);
        }
    }

    static String age(OffsetDateTime since) {
        Duration age = Duration.between(since, OffsetDateTime.now());
        if (age.toDays() > 0) {
            return age.toDays() + " d " + age.toHoursPart() + " h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + " h " + age.toMinutesPart() + " min";
        }
        return Math.max(age.toMinutes(), 0) + " min";
    }
}
