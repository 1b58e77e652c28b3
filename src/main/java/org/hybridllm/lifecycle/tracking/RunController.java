package org.hybridllm.lifecycle.tracking;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/runs")
public class RunController {

    public record StartRunRequest(@NotBlank String useCase) {
    }

    private final RunService service;
    private final RunQueries queries;

    public RunController(RunService service, RunQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    @PostMapping
    public ResponseEntity<RunView> start(@Valid @RequestBody StartRunRequest request, Principal user) {
        LifecycleRun run = service.start(request.useCase(), user.getName());
        return ResponseEntity.created(URI.create("/api/runs/" + run.id())).body(queries.view(run.id()).orElseThrow());
    }

    @GetMapping
    public List<RunView> list(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw ApiProblems.invalid("limit", "limit must be between 1 and 500.");
        }
        return queries.recent(limit);
    }

    @GetMapping("/{id}")
    public RunView get(@PathVariable UUID id) {
        return queries.view(id).orElseThrow(() -> ApiProblems.notFound("run", id));
    }

    @PostMapping("/{id}/resume")
    public RunView resume(@PathVariable UUID id, Principal user) {
        service.resume(id, user.getName());
        return queries.view(id).orElseThrow();
    }
}
