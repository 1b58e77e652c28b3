package org.hybridllm.lifecycle.run;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Page;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.hybridllm.lifecycle.api.NotFound;

@RestController
@RequestMapping("/api/runs")
@Tag(name = "Runs", description = "Lifecycle runs: start, follow, resume, cancel")
public class RunController {

    public record StartRunRequest(@NotBlank String useCase) {
    }

    public record CancelRunRequest(@Size(max = 2000) String reason) {
    }

    private final RunService service;
    private final RunQueries queries;

    public RunController(RunService service, RunQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    @PostMapping
    @Operation(summary = "Start a run of a use case's lifecycle")
    public ResponseEntity<RunView> start(@Valid @RequestBody StartRunRequest request, Principal user) {
        LifecycleRun run = service.start(request.useCase(), user.getName());
        return ResponseEntity.created(URI.create("/api/runs/" + run.id())).body(queries.view(run.id()).orElseThrow());
    }

    @GetMapping
    @Operation(summary = "List runs, newest first, filtered by use case, status, outcome, requester and creation "
            + "time (createdFrom inclusive, createdTo exclusive; ISO-8601 date or date-time)")
    public Page<RunSummary> list(@RequestParam(required = false) String useCase,
                                 @RequestParam(required = false) String status,
                                 @RequestParam(required = false) String outcome,
                                 @RequestParam(required = false) String startedBy,
                                 @RequestParam(required = false) String createdFrom,
                                 @RequestParam(required = false) String createdTo,
                                 @RequestParam(defaultValue = "0") int page,
                                 @RequestParam(defaultValue = "20") int size) {
        RunFilter filter = RunFilter.parse(useCase, status, outcome, startedBy, createdFrom, createdTo);
        return queries.list(filter, new Page.PageRequest(page, size));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A run with its stages, approvals, metrics, decision and artifacts")
    public RunView get(@PathVariable UUID id) {
        return queries.view(id).orElseThrow(() -> new NotFound("run", id));
    }

    @PostMapping("/{id}/resume")
    @Operation(summary = "Resume an INTERRUPTED run; completed stages are not run again")
    public RunView resume(@PathVariable UUID id, Principal user) {
        service.resume(id, user.getName());
        return queries.view(id).orElseThrow();
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel an open or interrupted run, its pending approvals and its fine-tuning job")
    public RunView cancel(@PathVariable UUID id, @Valid @RequestBody(required = false) CancelRunRequest request,
                          Principal user) {
        service.cancel(id, user.getName(), request == null ? null : request.reason());
        return queries.view(id).orElseThrow();
    }
}
