package org.hybridllm.lifecycle.usecase;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/use-cases")
@Tag(name = "Use cases", description = "The tasks being customised, with their labels, target and provider")
public class UseCaseController {

    public record LabelRequest(@NotBlank @Size(max = 100) String label, @NotBlank @Size(max = 2000) String description) {
    }

    public record EvalExampleRequest(@NotBlank @Size(max = 20000) String input, @NotBlank String label) {
    }

    /**
     * @param evalExamples the held-out evaluation set prompt versions are scored on (a run needs at least one)
     */
    public record CreateUseCaseRequest(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}",
                    message = "must be 2-63 lower-case letters, digits or dashes") String key,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            @NotEmpty @Size(max = 200) List<@Valid @NotNull LabelRequest> labels,
            @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double targetAccuracy,
            @NotNull @Min(1) @Max(10_000_000) Integer minLabelledExamples,
            @DecimalMin("0.0") @DecimalMax("1.0") Double plateauDelta,
            @Size(max = 100) String provider,
            @NotBlank @Size(max = 200) String baseModel,
            @Size(max = 100) String fineTuner,
            @Size(max = 10_000) List<@Valid @NotNull EvalExampleRequest> evalExamples) {
    }

    private final UseCaseRepository useCases;
    private final ProviderRegistry providers;
    private final TransactionTemplate transaction;
    private final AuditLog audit;

    public UseCaseController(UseCaseRepository useCases, ProviderRegistry providers, TransactionTemplate transaction,
                             AuditLog audit) {
        this.useCases = useCases;
        this.providers = providers;
        this.transaction = transaction;
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "List use cases")
    public List<UseCase> list() {
        return useCases.findAll();
    }

    @GetMapping("/{key}")
    @Operation(summary = "One use case")
    public UseCase get(@PathVariable String key) {
        return useCases.require(key);
    }

    @PostMapping
    @Operation(summary = "Create a use case (and its evaluation set)")
    public ResponseEntity<UseCase> create(@Valid @RequestBody CreateUseCaseRequest request, Principal user) {
        String provider = request.provider() == null ? "local" : request.provider();
        if (!providers.hasProvider(provider)) {
            throw ApiProblems.invalid("provider", "Unknown provider '" + provider + "'; known: "
                    + providers.providerNames() + ".");
        }
        if (request.fineTuner() != null && !providers.hasFineTuner(request.fineTuner())) {
            throw ApiProblems.invalid("fineTuner", "Unknown fine-tuner '" + request.fineTuner() + "'.");
        }
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < request.labels().size(); i++) {
            if (!labels.add(request.labels().get(i).label())) {
                throw ApiProblems.invalid("labels[" + i + "].label", "Label '" + request.labels().get(i).label()
                        + "' appears twice.");
            }
        }
        List<EvalExampleRequest> evalExamples = request.evalExamples() == null ? List.of() : request.evalExamples();
        for (int i = 0; i < evalExamples.size(); i++) {
            if (!labels.contains(evalExamples.get(i).label())) {
                throw ApiProblems.invalid("evalExamples[" + i + "].label", "Label '" + evalExamples.get(i).label()
                        + "' is not one of the use case's labels.");
            }
        }
        UseCase created;
        try {
            created = transaction.execute(status -> create(request, provider, evalExamples, user.getName()));
        } catch (DuplicateKeyException exists) {
            throw ApiProblems.conflict("use-case-exists", "A use case with key '" + request.key()
                    + "' already exists.");
        }
        return ResponseEntity.created(URI.create("/api/use-cases/" + created.key())).body(created);
    }

    private UseCase create(CreateUseCaseRequest request, String provider, List<EvalExampleRequest> evalExamples,
                           String user) {
        UseCase useCase = useCases.insert(request.key(), request.name(), request.description(),
                request.labels().stream().map(l -> new LabelSpec(l.label(), l.description())).toList(),
                request.targetAccuracy(), request.minLabelledExamples(),
                request.plateauDelta() == null ? 0.02 : request.plateauDelta(), provider, request.baseModel(),
                request.fineTuner());
        evalExamples.forEach(e -> useCases.addEvalExample(useCase.id(), e.input(), e.label()));
        audit.record(user, "USE_CASE_CREATED", "use_case", useCase.key(), null,
                Map.of("provider", provider, "baseModel", request.baseModel(), "evalExamples", evalExamples.size()));
        return useCase;
    }
}
