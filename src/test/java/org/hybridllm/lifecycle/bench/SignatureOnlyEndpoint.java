package org.hybridllm.lifecycle.bench;

import org.hybridllm.lifecycle.webhook.WebhookController;
import org.hybridllm.lifecycle.webhook.WebhookProperties;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The webhook benchmark's baseline, present only in the benchmark's app ({@code lifecycle.bench.enabled}): the
 * same HTTP request to an endpoint that only verifies the signature, with the same secret and code.
 */
@Configuration
@ConditionalOnProperty("lifecycle.bench.enabled")
class SignatureOnlyEndpoint {

    @Bean
    @Order(-1)
    SecurityFilterChain benchEndpoints(HttpSecurity http) throws Exception {
        return http.securityMatcher("/bench/**").authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable()).build();
    }

    @RestController
    static class VerifyOnly {

        private final WebhookProperties properties;

        VerifyOnly(WebhookProperties properties) {
            this.properties = properties;
        }

        @PostMapping("/bench/webhooks/{source}")
        ResponseEntity<Void> verify(@PathVariable String source,
                                    @RequestHeader(WebhookController.TIMESTAMP_HEADER) String timestamp,
                                    @RequestHeader(WebhookController.SIGNATURE_HEADER) String signature,
                                    @RequestBody byte[] body) {
            boolean valid = WebhookSignature.matches(properties.sources().get(source).secret(), timestamp, body,
                    signature);
            return ResponseEntity.status(valid ? 202 : 401).build();
        }
    }
}
