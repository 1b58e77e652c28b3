package org.hybridllm.lifecycle.gateway;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.api.Conflict;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.NotFound;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Managing the gateway: applications' API keys (ADMIN) and each use case's canary share (ENGINEER). */
@RestController
@RequestMapping("/api/gateway")
@Tag(name = "Gateway", description = "API keys of the OpenAI-compatible gateway and its canary routes")
class GatewayAdminController {

    record KeyRequest(String name, String useCase) {
    }

    record CanaryRequest(Double canaryShare) {
    }

    private final ApiKeys keys;
    private final GatewayRoutes routes;
    private final UseCaseRepository useCases;
    private final AuditLog audit;
    private final ModelRegistry models;

    GatewayAdminController(ApiKeys keys, GatewayRoutes routes, UseCaseRepository useCases, AuditLog audit,
                           ModelRegistry models) {
        this.models = models;
        this.keys = keys;
        this.routes = routes;
        this.useCases = useCases;
        this.audit = audit;
    }

    @PostMapping("/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key for an application (shown once); optionally limited to one use case")
    Map<String, Object> create(@RequestBody KeyRequest request, Principal user) {
        ApiKeys.Created created = keys.create(request.name(), request.useCase(), user.getName());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", created.key());
        body.put("record", created.record());
        return body;
    }

    @GetMapping("/keys")
    @Operation(summary = "List API keys (prefixes only)")
    List<ApiKeyRepository.ApiKey> list() {
        return keys.list();
    }

    @PostMapping("/keys/{id}/revoke")
    @Operation(summary = "Revoke an API key: refused from the next request on")
    ApiKeyRepository.ApiKey revoke(@PathVariable long id, Principal user) {
        return keys.revoke(id, user.getName());
    }

    @GetMapping("/routes/{useCase}")
    @Operation(summary = "What serves a use case: champion, challenger, canary share")
    Map<String, Object> route(@PathVariable String useCase) {
        GatewayRoutes.Route route = routes.route(useCase)
                .orElseThrow(() -> new NotFound("use-case", useCase));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("useCase", useCase);
        body.put("model", GatewayRoutes.MODEL_PREFIX + useCase);
        body.put("champion", describe(route.champion()));
        body.put("challenger", route.challenger().map(GatewayAdminController::describe).orElse(null));
        body.put("canaryShare", route.canaryShare());
        return body;
    }

    @PutMapping("/routes/{useCase}")
    @Transactional
    @Operation(summary = "Set the share of a use case's traffic served by its challenger (0 to 1)")
    Map<String, Object> setCanary(@PathVariable String useCase, @RequestBody CanaryRequest request, Principal user) {
        var found = useCases.require(useCase);
        if (request.canaryShare() == null || request.canaryShare() < 0 || request.canaryShare() > 1
                || request.canaryShare().isNaN()) {
            throw new InvalidInput("canaryShare", "canaryShare must be a number from 0 to 1.");
        }
        if (request.canaryShare() > 0 && models.alias(found.id(), ModelAlias.CHALLENGER).isEmpty()) {
            throw new Conflict("no-pending-challenger", "Use case '" + useCase + "' has no challenger "
                    + "waiting for its review: a canary share can only route traffic to a candidate that beat the "
                    + "champion and awaits approval (rejected, kept, cancelled or failed candidates serve no one).");
        }
        routes.setCanaryShare(found.id(), request.canaryShare(), user.getName());
        audit.record(user.getName(), "GATEWAY_CANARY_SET", "use_case", found.id(), null,
                Map.of("canaryShare", request.canaryShare()));
        return route(useCase);
    }

    private static Map<String, Object> describe(GatewayRoutes.Served served) {
        return Map.of("modelVersion", served.model().name(), "kind", served.model().kind().name(),
                "provider", served.model().provider(), "promptVersion", served.prompt().version());
    }
}
