package org.hybridllm.lifecycle.governance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/approvals")
@Tag(name = "Approvals", description = "Reviewers' decisions on promotion gates: evidence, checklist, four eyes")
public class ApprovalController {

    private final ApprovalService service;
    private final ApprovalRepository approvals;

    public ApprovalController(ApprovalService service, ApprovalRepository approvals) {
        this.service = service;
        this.approvals = approvals;
    }

    @GetMapping
    @Operation(summary = "List the approvals waiting for a reviewer")
    public List<Approval> pending() {
        return approvals.findPending();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an approval with its evidence and evidenceSha256")
    public Approval get(@PathVariable UUID id) {
        return approvals.find(id).orElseThrow(() -> ApiProblems.notFound("approval", id));
    }

    @PostMapping("/{id}/decision")
    @Operation(summary = "Decide a gate: approve, reject or request changes (REVIEWER, not the requester)")
    public Approval decide(@PathVariable UUID id, @Valid @RequestBody DecisionRequest request,
                           Authentication user) {
        boolean reviewer = user.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + ApprovalService.REVIEWER_ROLE));
        return service.decide(id, request, new ApprovalService.Reviewer(user.getName(), reviewer));
    }
}
