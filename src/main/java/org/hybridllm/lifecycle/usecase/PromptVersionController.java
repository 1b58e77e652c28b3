package org.hybridllm.lifecycle.usecase;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/use-cases/{useCase}/prompt-versions")
@Tag(name = "Prompt versions", description = "Immutable, content-addressed prompts of a use case")
public class PromptVersionController {

    public record FewShotRequest(@NotBlank @Size(max = 20000) String input, @NotBlank String label) {
    }

    /**
     * @param purpose PROTOTYPE (served with the base model, default) or FINE_TUNED (the short prompt a fine-tuned
     *                model is served with)
     */
    public record CreatePromptVersionRequest(PromptVersion.Purpose purpose,
                                             @NotBlank @Size(max = 20000) String instruction,
                                             @NotBlank @Size(max = 20000) String inputTemplate,
                                             boolean labelDescriptions,
                                             @Size(max = 100) List<@Valid @NotNull FewShotRequest> fewShot) {
    }

    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final AuditLog audit;

    public PromptVersionController(UseCaseRepository useCases, PromptVersionRepository prompts, AuditLog audit) {
        this.useCases = useCases;
        this.prompts = prompts;
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "List a use case's prompt versions, oldest first")
    public List<PromptVersion> list(@PathVariable String useCase) {
        return prompts.findByUseCase(useCase(useCase).id());
    }

    @GetMapping("/{version}")
    @Operation(summary = "One prompt version")
    public PromptVersion get(@PathVariable String useCase, @PathVariable int version) {
        return version(useCase(useCase), version);
    }

    @PostMapping
    @Operation(summary = "Create a prompt version; identical content returns the existing version (200)")
    public ResponseEntity<PromptVersion> create(@PathVariable String useCase,
                                                @Valid @RequestBody CreatePromptVersionRequest request,
                                                Principal user) {
        UseCase target = useCase(useCase);
        if (!request.inputTemplate().contains(PromptSpec.INPUT_PLACEHOLDER)) {
            throw ApiProblems.invalid("inputTemplate", "inputTemplate must contain " + PromptSpec.INPUT_PLACEHOLDER
                    + ".");
        }
        List<FewShotRequest> fewShot = request.fewShot() == null ? List.of() : request.fewShot();
        for (int i = 0; i < fewShot.size(); i++) {
            if (!target.labelNames().contains(fewShot.get(i).label())) {
                throw ApiProblems.invalid("fewShot[" + i + "].label", "Label '" + fewShot.get(i).label()
                        + "' is not one of the use case's labels " + target.labelNames() + ".");
            }
        }
        PromptVersion.Purpose purpose = request.purpose() == null ? PromptVersion.Purpose.PROTOTYPE
                : request.purpose();
        PromptSpec spec = new PromptSpec(request.instruction(), request.inputTemplate(), request.labelDescriptions(),
                fewShot.stream().map(e -> new FewShotExample(e.input(), e.label())).toList());
        PromptVersionRepository.Stored stored = prompts.store(target.id(), purpose, spec, user.getName());
        PromptVersion created = stored.version();
        URI location = URI.create("/api/use-cases/" + useCase + "/prompt-versions/" + created.version());
        if (!stored.created()) {
            return ResponseEntity.status(HttpStatus.OK).location(location).body(created);
        }
        audit.record(user.getName(), "PROMPT_VERSION_CREATED", "prompt_version", created.id(), null,
                Map.of("useCase", useCase, "version", created.version(), "sha256", created.sha256()));
        return ResponseEntity.created(location).body(created);
    }

    @GetMapping("/{from}/diff/{to}")
    @Operation(summary = "What changed between two prompt versions (fields and a unified diff)")
    public PromptDiff diff(@PathVariable String useCase, @PathVariable int from, @PathVariable int to) {
        UseCase target = useCase(useCase);
        return PromptDiff.between(version(target, from), version(target, to));
    }

    private UseCase useCase(String key) {
        return useCases.require(key);
    }

    private PromptVersion version(UseCase useCase, int version) {
        return prompts.findByVersion(useCase.id(), version).orElseThrow(() -> ApiProblems.notFound(
                "prompt-version", useCase.key() + " v" + version));
    }
}
