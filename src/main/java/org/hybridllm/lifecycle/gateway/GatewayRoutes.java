package org.hybridllm.lifecycle.gateway;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelAliasChanged;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What serves a use case: its champion (model version + the prompt version paired with it), its challenger for
 * the canary share of the traffic, and the prototype prompt a pruned prompt is compared with. Read from Postgres
 * once and cached; any change of an alias or a route drops the cache at commit (LISTEN/NOTIFY, see
 * {@link GatewayChangeListener}), so promoting or rolling back a champion takes effect on the next request.
 */
@Component
class GatewayRoutes {

    static final String MODEL_PREFIX = "lifecycle/";

    record Served(ModelVersion model, PromptVersion prompt) {
    }

    /**
     * @param prototypePrompt the newest PROTOTYPE prompt: what a base model would be sent (null if none)
     * @param outputSchema    extraction: the compiled schema answers are checked against (null for other kinds)
     */
    record Route(UseCase useCase, Served champion, Optional<Served> challenger, double canaryShare,
                 PromptVersion prototypePrompt, JsonSchemaContract outputSchema) {

        Served serve(String arm) {
            return CanaryAssignment.CHALLENGER.equals(arm) && challenger.isPresent() ? challenger.get() : champion;
        }

    }

    private record Cached(Optional<Route> route, Instant loadedAt) {
    }

    private final UseCaseRepository useCases;
    private final ModelRegistry models;
    private final PromptVersionRepository prompts;
    private final JdbcClient jdbc;
    private final GatewayProperties properties;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    GatewayRoutes(UseCaseRepository useCases, ModelRegistry models, PromptVersionRepository prompts, JdbcClient jdbc,
                  GatewayProperties properties) {
        this.useCases = useCases;
        this.models = models;
        this.prompts = prompts;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The route of a use case, or empty if there is no such use case. */
    Optional<Route> route(String useCaseKey) {
        Instant now = clock.instant();
        Cached cached = cache.get(useCaseKey);
        if (cached == null || cached.loadedAt().plus(properties.cacheTtl()).isBefore(now)) {
            cached = new Cached(load(useCaseKey), now);
            if (cached.route().isPresent() || cache.size() < 10_000) {
                cache.put(useCaseKey, cached);
            }
        }
        return cached.route();
    }

    void invalidate() {
        cache.clear();
    }

    /** This instance sees its own promotions and rollbacks at commit; the others through LISTEN/NOTIFY. */
    @TransactionalEventListener(fallbackExecution = true)
    void aliasChanged(ModelAliasChanged change) {
        invalidate();
    }

    /**
     * The challenger is gone (promoted, or its run stopped): its canary share goes back to 0 in the same
     * transaction, so it cannot silently apply to the next challenger.
     */
    @EventListener
    void challengerGone(ModelAliasChanged change) {
        if (ModelAlias.CHALLENGER.equals(change.alias())
                && models.alias(change.useCaseId(), ModelAlias.CHALLENGER).isEmpty()) {
            jdbc.sql("update gateway_route set canary_share = 0, updated_at = now() where use_case_id = ?")
                    .param(change.useCaseId()).update();
        }
    }

    private Optional<Route> load(String useCaseKey) {
        Optional<UseCase> found = useCases.findByKey(useCaseKey);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        UseCase useCase = found.get();
        List<PromptVersion> prototypes = prompts.findByUseCase(useCase.id(), PromptVersion.Purpose.PROTOTYPE);
        PromptVersion prototype = prototypes.isEmpty() ? null : prototypes.getLast();
        Served champion = alias(useCase, ModelAlias.CHAMPION).orElseGet(() -> {
            // before any run promoted a champion: the base model with the newest prototype prompt
            if (prototype == null) {
                throw new GatewayError(HttpStatus.CONFLICT, "invalid_request_error", "no_prompt_version", "model",
                        "The use case '" + useCaseKey + "' has no prompt version yet; create one first.");
            }
            return new Served(models.baseModel(useCase.id(), useCase.provider(), useCase.baseModel()), prototype);
        });
        double share = jdbc.sql("select canary_share from gateway_route where use_case_id = ?").param(useCase.id())
                .query(BigDecimal.class).optional().map(BigDecimal::doubleValue).orElse(0.0);
        JsonSchemaContract schema = useCase.task() == TaskKind.EXTRACTION
                ? JsonSchemaContract.of(useCase.contract().outputSchema()) : null;
        return Optional.of(new Route(useCase, champion, alias(useCase, ModelAlias.CHALLENGER), share, prototype,
                schema));
    }

    private Optional<Served> alias(UseCase useCase, String alias) {
        return models.alias(useCase.id(), alias)
                .map(a -> new Served(models.get(a.modelVersionId()), prompts.get(a.promptVersionId())));
    }

    /** Sets the share of a use case's traffic that goes to its challenger. */
    void setCanaryShare(long useCaseId, double share, String updatedBy) {
        jdbc.sql("""
                        insert into gateway_route (use_case_id, canary_share, updated_by) values (?, ?, ?)
                        on conflict (use_case_id) do update
                           set canary_share = excluded.canary_share, updated_by = excluded.updated_by,
                               updated_at = now()""")
                .params(useCaseId, BigDecimal.valueOf(share), updatedBy).update();
        invalidate();
    }
}
