package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldRule;
import org.hybridllm.lifecycle.scoring.RubricCriterion;
import org.hybridllm.lifecycle.scoring.ScorerSpec;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/use-cases")
@Tag(name = "Use cases", description = "The tasks being customised, with their task kind, output contract, target "
        + "and provider")
public class UseCaseController {

    public record LabelRequest(@NotBlank @Size(max = 100) String label, @NotBlank @Size(max = 2000) String description) {
    }

    /**
     * @param input    a text, or a JSON object of the prompt's named variables
     * @param expected the expected output: a label, a JSON object (extraction) or a reference text (generation)
     * @param label    classification only, the earlier name of {@code expected}
     */
    public record EvalExampleRequest(@NotNull JsonNode input, JsonNode expected, String label) {
    }

    /** An output contract's fields; each task kind takes its own (see {@link OutputContract}). */
    public record ContractRequest(@Size(max = 200) List<@Valid @NotNull LabelRequest> labels, JsonNode outputSchema,
                                  @Size(max = 100) Map<String, FieldRule> fieldRules,
                                  @Size(max = 50) List<RubricCriterion> rubric,
                                  @Size(max = 50) List<ScorerSpec> scorers, JudgeSpec judge) {
    }

    /**
     * @param task            CLASSIFICATION (default), EXTRACTION or GENERATION
     * @param targetAccuracy  the target on the task kind's primary metric (accuracy, strict record match, ...)
     * @param evalExamples    the held-out evaluation set prompt versions are scored on (a run needs at least one)
     * @param minimumGain     the gain on the primary metric the promotion gate asks of a candidate (0..1; absent:
     *                        the configured default)
     * @param monthlyRequests the requests a month the use case is expected to serve (≥ 0; optional): break-even's
     *                        volume until the gateway has measured traffic of its own
     */
    public record CreateUseCaseRequest(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}",
                    message = "must be 2-63 lower-case letters, digits or dashes") String key,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            String task,
            @Size(max = 200) List<@Valid @NotNull LabelRequest> labels,
            JsonNode outputSchema,
            @Size(max = 100) Map<String, FieldRule> fieldRules,
            @Size(max = 50) List<RubricCriterion> rubric,
            @Size(max = 50) List<ScorerSpec> scorers,
            JudgeSpec judge,
            @NotNull @DecimalMin("0.0") @DecimalMax("1.0") @JsonAlias("targetQuality") Double targetAccuracy,
            @NotNull @Min(1) @Max(10_000_000) Integer minLabelledExamples,
            @DecimalMin("0.0") @DecimalMax("1.0") Double plateauDelta,
            @Size(max = 100) String provider,
            @NotBlank @Size(max = 200) String baseModel,
            @Size(max = 100) String fineTuner,
            @Size(max = 10_000) List<@Valid @NotNull EvalExampleRequest> evalExamples,
            @DecimalMin("0.0") @DecimalMax("1.0") Double minimumGain, @Min(0) Integer monthlyRequests) {
    }

    /** @param monthlyRequests the requests a month the use case is expected to serve; null clears it */
    public record VolumeRequest(@Min(0) Integer monthlyRequests) {
    }

    private final UseCaseRepository useCases;
    private final ProviderRegistry providers;
    private final ContractValidator contracts;
    private final TransactionTemplate transaction;
    private final AuditLog audit;

    public UseCaseController(UseCaseRepository useCases, ProviderRegistry providers, ContractValidator contracts,
                             TransactionTemplate transaction, AuditLog audit) {
        this.useCases = useCases;
        this.providers = providers;
        this.contracts = contracts;
        this.transaction = transaction;
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "List use cases")
    public List<UseCase> list() {
        return useCases.findAll();
    }

    @GetMapping("/{key}")
    @Operation(summary = "One use case, with its task kind and the latest version of its output contract")
    public UseCase get(@PathVariable String key) {
        return useCases.require(key);
    }

    @PostMapping
    @Operation(summary = "Create a use case (its output contract and its evaluation set)")
    public ResponseEntity<UseCase> create(@Valid @RequestBody CreateUseCaseRequest request, Principal user) {
        String provider = request.provider() == null ? "local" : request.provider();
        if (!providers.hasProvider(provider)) {
            throw ApiProblems.invalid("provider", "Unknown provider '" + provider + "'; known: "
                    + providers.providerNames() + ".");
        }
        if (request.fineTuner() != null && !providers.hasFineTuner(request.fineTuner())) {
            throw ApiProblems.invalid("fineTuner", "Unknown fine-tuner '" + request.fineTuner() + "'.");
        }
        OutputContract contract = contract(taskOf(request.task()), 1, new ContractRequest(request.labels(),
                request.outputSchema(), request.fieldRules(), request.rubric(), request.scorers(), request.judge()));
        List<EvalExampleRequest> given = request.evalExamples() == null ? List.of() : request.evalExamples();
        List<UseCaseRepository.EvalExample> evalExamples = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            evalExamples.add(evalExample(contract, given.get(i), "evalExamples[" + i + "]"));
        }
        UseCaseRepository.NewUseCase newUseCase = new UseCaseRepository.NewUseCase(request.key(), request.name(),
                request.description(), contract, request.targetAccuracy(), request.minLabelledExamples(),
                request.plateauDelta() == null ? 0.02 : request.plateauDelta(), provider, request.baseModel(),
                request.fineTuner(), request.minimumGain(), request.monthlyRequests());
        UseCase created;
        try {
            created = transaction.execute(status -> {
                UseCase useCase = useCases.insert(newUseCase, user.getName());
                evalExamples.forEach(e -> useCases.addEvalExample(useCase.id(), e.input(), e.expected()));
                audit.record(user.getName(), "USE_CASE_CREATED", "use_case", useCase.key(), null,
                        Map.of("task", contract.task().name(), "provider", provider, "baseModel",
                                request.baseModel(), "evalExamples", evalExamples.size()));
                return useCase;
            });
        } catch (DuplicateKeyException exists) {
            throw ApiProblems.conflict("use-case-exists", "A use case with key '" + request.key()
                    + "' already exists.");
        }
        return ResponseEntity.created(URI.create("/api/use-cases/" + created.key())).body(created);
    }

    @PutMapping("/{key}/contract")
    @Operation(summary = "Store a new version of the use case's output contract (the task kind stays)")
    public UseCase updateContract(@PathVariable String key, @Valid @RequestBody ContractRequest request,
                                  Principal user) {
        UseCase useCase = useCases.require(key);
        OutputContract contract = contract(useCase.task(), useCase.contract().version() + 1, request);
        return transaction.execute(status -> {
            UseCase updated = useCases.addContractVersion(useCase.id(), contract, user.getName());
            audit.record(user.getName(), "USE_CASE_CONTRACT_CHANGED", "use_case", key, null,
                    Map.of("version", updated.contract().version()));
            return updated;
        });
    }

    @PutMapping("/{key}/monthly-requests")
    @Operation(summary = "Declare the requests a month the use case is expected to serve (break-even's volume "
            + "while the gateway has measured none)")
    public UseCase declareMonthlyRequests(@PathVariable String key, @Valid @RequestBody VolumeRequest request,
                                          Principal user) {
        UseCase useCase = useCases.require(key);
        return transaction.execute(status -> {
            UseCase updated = useCases.declareMonthlyRequests(useCase.id(), request.monthlyRequests());
            Map<String, Object> details = new HashMap<>();
            details.put("monthlyRequests", request.monthlyRequests());
            details.put("before", useCase.monthlyRequests());
            audit.record(user.getName(), "USE_CASE_VOLUME_DECLARED", "use_case", key, null, details);
            return updated;
        });
    }

    private static TaskKind taskOf(String task) {
        if (task == null) {
            return TaskKind.CLASSIFICATION;
        }
        try {
            return TaskKind.valueOf(task);
        } catch (IllegalArgumentException unknown) {
            throw new InvalidInput("task", "Unknown task '" + task + "'; one of "
                    + Arrays.toString(TaskKind.values()) + ".");
        }
    }

    private OutputContract contract(TaskKind task, int version, ContractRequest request) {
        List<LabelSpec> labels = request.labels() == null ? List.of()
                : request.labels().stream().map(l -> new LabelSpec(l.label(), l.description())).toList();
        JsonNode schema = request.outputSchema() == null || request.outputSchema().isNull() ? null
                : request.outputSchema();
        OutputContract contract = new OutputContract(version, task, labels, schema, request.fieldRules(),
                request.rubric(), request.scorers(), request.judge());
        contracts.validate(contract);
        return contract;
    }

    private UseCaseRepository.EvalExample evalExample(OutputContract contract, EvalExampleRequest example,
                                                      String field) {
        String inputText = contracts.input(example.input(), field + ".input");
        JsonNode expected = example.expected();
        String expectedField = field + ".expected";
        if ((expected == null || expected.isNull()) && example.label() != null) {
            expected = TextNode.valueOf(example.label());
            expectedField = field + ".label";
        }
        return new UseCaseRepository.EvalExample(inputText, contracts.expected(contract, expected, expectedField));
    }
}
