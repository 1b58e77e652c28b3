package org.hybridllm.lifecycle.model;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import java.util.stream.Stream;

@RestController
@RequestMapping("/api/use-cases/{useCase}")
@Tag(name = "Models", description = "Model versions of a use case, its champion and challenger, and roll-back")
public class ModelController {

    /** @param championTainted the champion was trained on a dataset that held erased rows: retrain it */
    public record Aliases(List<ModelAlias> current, List<ModelRegistry.AliasChange> history,
                          boolean championTainted) {
    }

    /**
     * @param modelVersionId a model that was champion of this use case before; omitted: the champion before the
     *                       current one
     */
    public record RollbackRequest(Long modelVersionId, @NotBlank @Size(max = 2000) String reason) {
    }

    private final UseCaseRepository useCases;
    private final ModelRegistry models;
    private final TransactionTemplate transaction;
    private final AuditLog audit;

    public ModelController(UseCaseRepository useCases, ModelRegistry models, TransactionTemplate transaction,
                           AuditLog audit) {
        this.useCases = useCases;
        this.models = models;
        this.transaction = transaction;
        this.audit = audit;
    }

    @GetMapping("/models")
    @Operation(summary = "The use case's model versions (base and fine-tuned), oldest first")
    public List<ModelVersion> models(@PathVariable String useCase) {
        return models.findByUseCase(useCase(useCase).id());
    }

    @GetMapping("/aliases")
    @Operation(summary = "Current champion and challenger, and every change of them, newest first")
    public Aliases aliases(@PathVariable String useCase) {
        UseCase target = useCase(useCase);
        List<ModelAlias> current = Stream.of(ModelAlias.CHAMPION, ModelAlias.CHALLENGER)
                .map(alias -> models.alias(target.id(), alias)).flatMap(Optional::stream).toList();
        return new Aliases(current, models.history(target.id()),
                models.taintedChampion(target.id()).isPresent());
    }

    /**
     * Only a model that already served as champion can be rolled back to (it passed a promotion gate then), with
     * the prompt version it was served with; the change is recorded in the alias history and the audit log.
     */
    @PostMapping("/champion/rollback")
    @Operation(summary = "Roll the champion back to a previous champion (default: the one before the current)")
    public ModelAlias rollback(@PathVariable String useCase, @Valid @RequestBody RollbackRequest request,
                               Principal user) {
        UseCase target = useCase(useCase);
        return transaction.execute(status -> {
            models.lockAliases(target.id());
            ModelAlias current = models.alias(target.id(), ModelAlias.CHAMPION).orElseThrow(() ->
                    ApiProblems.conflict("no-champion", "Use case '" + useCase + "' has no champion."));
            List<ModelRegistry.AliasChange> champions = models.history(target.id()).stream()
                    .filter(change -> change.alias().equals(ModelAlias.CHAMPION)).toList();
            ModelRegistry.AliasChange to;
            if (request.modelVersionId() == null) {
                to = champions.stream().filter(c -> c.modelVersionId() != current.modelVersionId()).findFirst()
                        .orElseThrow(() -> ApiProblems.conflict("no-previous-champion", "Use case '" + useCase
                                + "' has had no other champion to roll back to."));
            } else {
                if (request.modelVersionId() == current.modelVersionId()) {
                    throw ApiProblems.conflict("already-champion", "Model version " + request.modelVersionId()
                            + " is the champion already.");
                }
                to = champions.stream().filter(c -> c.modelVersionId() == request.modelVersionId()).findFirst()
                        .orElseThrow(() -> ApiProblems.invalid("modelVersionId", "Model version "
                                + request.modelVersionId() + " has never been champion of '" + useCase
                                + "'; only a previous champion can be rolled back to."));
            }
            models.setAlias(target.id(), ModelAlias.CHAMPION, to.modelVersionId(), to.promptVersionId(), null,
                    user.getName());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("fromModelVersionId", current.modelVersionId());
            details.put("toModelVersionId", to.modelVersionId());
            details.put("promptVersionId", to.promptVersionId());
            details.put("reason", request.reason());
            audit.record(user.getName(), "CHAMPION_ROLLED_BACK", "model_version", to.modelVersionId(), null,
                    details);
            return models.alias(target.id(), ModelAlias.CHAMPION).orElseThrow();
        });
    }

    private UseCase useCase(String key) {
        return useCases.require(key);
    }
}
