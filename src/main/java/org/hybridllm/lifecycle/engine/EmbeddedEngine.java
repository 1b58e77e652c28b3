package org.hybridllm.lifecycle.engine;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Zeebe engine (zeebe-process-test-engine) running in this JVM, at most one at a time.
 *
 * <p>Why at most one: the engine's {@code GrpcResponseWriter} keeps the command response it is about to send in
 * static fields (key, intent and the value buffer). Two engines in one JVM write their responses through the same
 * fields from their own threads, and under load one engine sends the other's bytes: "Could not deserialize object
 * [ProcessInstanceCreationRecord]", after which the engine retries that response for ever and answers nothing else.
 * Refusing the second engine turns that into a clear error at start-up.
 *
 * <p>And its in-memory log is a plain {@code ArrayList}, appended to by the gateway's threads and read by the stream
 * processor: under concurrent load the reader can see a slot before its entry, the stream processor dies of a
 * NullPointerException and the engine answers nothing more. Before the engine starts, that list is replaced with a
 * synchronized one ({@link #synchronizeLog}).
 */
public final class EmbeddedEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
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
            synchronizeLog(engine.engine);
            engine.engine.start();
        } catch (RuntimeException e) {
            RUNNING.set(null);
            throw e;
        }
        return engine;
    }

    /**
     * Swaps the engine's in-memory log list (InMemoryEngine → LogStreamImpl → InMemoryLogStorage.logEntries,
     * zeebe-process-test-engine 8.8) for a synchronized list, while it is still empty. Reflection on the engine's
     * internals: should another version lay them out differently, the engine runs as it comes, with a warning.
     *
     * @return whether the log is now synchronized
     */
    static boolean synchronizeLog(ZeebeTestEngine engine) {
        try {
            Object storage = field(field(engine, "logStream"), "logStorage");
            Field entries = storage.getClass().getDeclaredField("logEntries");
            entries.setAccessible(true);
            List<?> current = (List<?>) entries.get(storage);
            if (!current.isEmpty()) {
                throw new IllegalStateException("the engine's log is no longer empty");
            }
            entries.set(storage, Collections.synchronizedList(new ArrayList<>()));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Could not make the embedded engine's in-memory log thread-safe ({}); under concurrent load "
                    + "its stream processor may stop (BENCHMARKS.md, 'Embedded engine under load')", e.toString());
            return false;
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
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
