package org.hybridllm.lifecycle.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui/index.html}): what the app is,
 * and how each part authenticates, so that Swagger UI offers an Authorize button for both: HTTP Basic for the
 * lifecycle API under {@code /api}, a gateway API key as a bearer token for the OpenAI-compatible {@code /v1}.
 * Webhooks authenticate with an HMAC signature of their body, which no Authorize button can compute.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BASIC = "basicAuth";
    static final String GATEWAY_KEY = "gatewayKey";
    private static final String WEBHOOKS = "/api/webhooks/";

    @Bean
    OpenAPI lifecycleOpenApi(ObjectProvider<BuildProperties> build) {
        // the build's version (spring-boot-maven-plugin's build-info); none when run from an IDE's classes
        String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("unknown");
        return new OpenAPI()
                .info(new Info().title("LLM customisation lifecycle").version(version).description("""
                        A workflow engine for the LLM customisation lifecycle on Camunda 8: prototype a prompt, \
                        collect feedback, decide whether to fine-tune, build a versioned dataset, fine-tune, \
                        evaluate against the champion, pass the promotion gate and a reviewer's approval, promote.

                        * `/api/**`: the lifecycle API, HTTP Basic (roles ENGINEER, REVIEWER, ADMIN). Refusals \
                        are RFC 9457 problem details naming the field.
                        * `/v1/**`: the OpenAI-compatible gateway (chat completions, models, feedback), a gateway \
                        API key as bearer token (`POST /api/gateway/keys`). Refusals are in OpenAI's error \
                        format `{"error": {"message", "type", "param", "code"}}`.
                        * `/api/webhooks/{source}`: signed webhooks (HMAC-SHA256 of the timestamp and body)."""))
                .components(new Components()
                        .addSecuritySchemes(BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("A user of the lifecycle API (dev users: see the README)."))
                        .addSecuritySchemes(GATEWAY_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("llk_…")
                                .description("A gateway API key, created by an ADMIN with POST /api/gateway/keys.")));
    }

    /** Each operation names the scheme its path is under (webhooks none: they carry a signature instead). */
    @Bean
    OpenApiCustomizer securityPerPath() {
        return openApi -> openApi.getPaths().forEach((path, item) -> {
            String scheme = path.startsWith("/v1/") ? GATEWAY_KEY
                    : path.startsWith("/api/") && !path.startsWith(WEBHOOKS) ? BASIC : null;
            if (scheme != null) {
                item.readOperations().forEach(operation ->
                        operation.setSecurity(List.of(new SecurityRequirement().addList(scheme))));
            }
        });
    }
}
