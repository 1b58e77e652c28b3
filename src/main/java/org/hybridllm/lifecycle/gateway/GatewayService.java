package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.springframework.stereotype.Service;

/**
 * Serves one chat completion for a use case: picks the arm (canary), sends the input with the arm's prompt version
 * to its model through the model's provider adapter, and queues the call for the interaction log.
 */
@Service
class GatewayService {

    /** A served call: what the caller gets back and the headers that identify it. */
    record Answer(UUID callId, String arm, GatewayRoutes.Served served, Completion completion, boolean logged) {
    }

    private final GatewayRoutes routes;
    private final ProviderRegistry providers;
    private final InteractionLog interactions;
    private final GatewayMetrics metrics;
    private final ObjectMapper json;

    GatewayService(GatewayRoutes routes, ProviderRegistry providers, InteractionLog interactions,
                   GatewayMetrics metrics, ObjectMapper json) {
        this.json = json;
        this.routes = routes;
        this.providers = providers;
        this.interactions = interactions;
        this.metrics = metrics;
    }

    /** The route of a use case the caller's key may use; refused as OpenAI's "model not found" otherwise. */
    GatewayRoutes.Route route(ApiKeys.Caller caller, String useCaseKey, String requestedModel) {
        GatewayRoutes.Route route = routes.route(useCaseKey).orElseThrow(() -> GatewayError.modelNotFound(requestedModel));
        if (caller.useCaseId() != null && caller.useCaseId() != route.useCase().id()) {
            throw GatewayError.modelNotFound(requestedModel); // a key for another use case: as if it did not exist
        }
        return route;
    }

    Answer complete(ApiKeys.Caller caller, GatewayRoutes.Route route, String input, String user) {
        String useCaseKey = route.useCase().key();
        String arm = CanaryAssignment.arm(useCaseKey, user, route.canaryShare(), route.challenger().isPresent());
        GatewayRoutes.Served served = route.serve(arm);
        ModelVersion model = served.model();
        long started = System.nanoTime();
        Completion completion;
        try {
            completion = providers.provider(model.provider()).complete(new ModelRequest(model.target(),
                    served.prompt().spec(), route.useCase().task(), route.useCase().labels(),
                    route.useCase().contract().outputSchema(), List.of(input))).getFirst();
        } catch (RuntimeException e) {
            metrics.failed(useCaseKey, "upstream_error");
            throw e;
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        metrics.served(useCaseKey, model.name(), arm, latency, completion.promptTokens(),
                completion.completionTokens(), completion.costUsd());
        // an extraction answer is served as the model gave it; a schema failure is recorded, never coerced
        List<String> violations = route.useCase().task() == TaskKind.EXTRACTION
                ? route.outputSchema().violations(completion.output()) : null;
        if (violations != null && !violations.isEmpty()) {
            metrics.schemaFailure(useCaseKey);
        }
        UUID callId = UUID.randomUUID();
        boolean logged = interactions.offer(new GatewayCall(callId, route.useCase().id(), served.prompt().id(),
                model.id(), arm, caller.keyId(), user, input, completion.output(), completion.promptTokens(),
                completion.completionTokens(), latency.toNanos() / 1e6, completion.costUsd(), OffsetDateTime.now(),
                pruning(route, served), violations == null ? null : violations.isEmpty(),
                violations == null || violations.isEmpty() ? null : Jsonb.write(json, violations)));
        return new Answer(callId, arm, served, completion, logged);
    }

    /** A fine-tuned model served with its own (short) prompt: compared with the prototype prompt on its base model. */
    private static GatewayCall.Pruning pruning(GatewayRoutes.Route route, GatewayRoutes.Served served) {
        ModelVersion model = served.model();
        if (model.kind() != ModelVersion.Kind.FINE_TUNED || route.prototypePrompt() == null
                || route.prototypePrompt().id() == served.prompt().id()) {
            return null;
        }
        return new GatewayCall.Pruning(model.provider(), new ModelTarget(model.provider(), model.baseModel(), null),
                route.prototypePrompt().spec(), route.useCase().labels());
    }
}
