package org.hybridllm.lifecycle.engine;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real Zeebe engine (zeebe-process-test-engine) running in this JVM, at most one at a time.
 *
 * <p>Why at most one: the engine's {@code GrpcResponseWriter} keeps the command response it is about to send in
 * static fields (key, intent and the value buffer). Two engines in one JVM write their responses through the same
 * fields from their own threads, and under load one engine sends the other's bytes: "Could not deserialize object
 * [ProcessInstanceCreationRecord]", after which the engine retries that response for ever and answers nothing else.
 * Refusing the second engine turns that into a clear error at start-up.
 */
public final class EmbeddedEngine implements AutoCloseable {

    private static final AtomicReference<EmbeddedEngine> RUNNING = new AtomicReference<>();

    private final ZeebeTestEngine engine;
    private final int port;

    private EmbeddedEngine(ZeebeTestEngine engine, int port) {
        this.engine = engine;
        this.port = port;
    }

    /**
     * Starts the engine with its gRPC gateway on {@code port}.
     *
     * @throws IllegalStateException if an embedded engine already runs in this JVM
     */
    public static EmbeddedEngine start(int port) {
        EmbeddedEngine engine = new EmbeddedEngine(EngineFactory.create(port), port);
        EmbeddedEngine other = RUNNING.compareAndExchange(null, engine);
        if (other != null) {
            throw new IllegalStateException("An embedded Zeebe engine already runs in this JVM (gateway port "
                    + other.port + "); a second one would corrupt both engines' responses (zeebe-process-test "
                    + "keeps them in static fields). Stop it first, or point this app at it or at a cluster with "
                    + "lifecycle.engine=remote and camunda.client.grpc-address.");
        }
        try {
            engine.engine.start();
        } catch (RuntimeException e) {
            RUNNING.set(null);
            throw e;
        }
        return engine;
    }

    public String gatewayAddress() {
        return engine.getGatewayAddress();
    }

    @Override
    public void close() {
        try {
            engine.stop();
        } finally {
            RUNNING.compareAndSet(this, null);
        }
    }
}
