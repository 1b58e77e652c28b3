package org.hybridllm.lifecycle.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the real Zeebe engine (from zeebe-process-test-engine) inside the app, with its gRPC gateway on
 * {@code lifecycle.embedded-address} (default 127.0.0.1) and {@code lifecycle.embedded-port}; the Camunda client's
 * {@code camunda.client.grpc-address} follows them ({@link EmbeddedGatewayAddress}). The engine is started while the context is being built, i.e. before the
 * Camunda client's lifecycle deploys the models and opens the job workers.
 *
 * <p>The embedded engine keeps process state in memory: a restart loses running instances, which is why
 * every stage's output lives in Postgres and interrupted runs can be resumed. One embedded engine per JVM
 * ({@link EmbeddedEngine}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "lifecycle.engine", havingValue = "embedded", matchIfMissing = true)
public class EmbeddedEngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngineConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedEngine embeddedZeebeEngine(EngineProperties properties) {
        EmbeddedEngine engine = EmbeddedEngine.start(EmbeddedGatewayAddress.bindAddress(properties.embeddedAddress()),
                properties.embeddedPort());
        log.info("Embedded Zeebe engine started; gRPC gateway at {}", engine.gatewayAddress());
        return engine;
    }
}
