package org.hybridllm.lifecycle.engine;

import io.camunda.zeebe.process.test.api.RecordStreamSource;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.lang.reflect.Field;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 *
 * <p>And its gRPC gateway has no authentication, yet {@code EngineFactory.create(port)} builds it with
 * {@code ServerBuilder.forPort(port)}: listening on every interface, so anyone who can reach the host could deploy,
 * start, cancel and complete processes or publish messages. Before the engine starts, that (not yet started) server
 * is replaced with one bound to the configured address only ({@link #bindGateway}), by default the loopback
 * address; should that fail, the engine does not start rather than listen on every interface.
 */
public final class EmbeddedEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
    private static final AtomicReference<EmbeddedEngine> RUNNING = new AtomicReference<>();

    private final ZeebeTestEngine engine;
    private final InetSocketAddress address;
    private final int port;

    private EmbeddedEngine(ZeebeTestEngine engine, InetSocketAddress address) {
        this.engine = engine;
        this.address = address;
        this.port = address.getPort();
    }

    /** Starts the engine with its gRPC gateway on the loopback address, {@code port}. */
    public static EmbeddedEngine start(int port) {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts the engine with its gRPC gateway on {@code address} and {@code port} only, with a warning if that is not
     * a loopback address (the gateway has no authentication).
     *
     * @throws IllegalStateException if an embedded engine already runs in this JVM, or if the gateway cannot be bound
     *                               to the address
     */
    public static EmbeddedEngine start(InetAddress address, int port) {
        EmbeddedEngine engine = new EmbeddedEngine(EngineFactory.create(port), new InetSocketAddress(address, port));
        EmbeddedEngine other = RUNNING.compareAndExchange(null, engine);
        if (other != null) {
            throw new IllegalStateException("An embedded Zeebe engine already runs in this JVM (gateway port "
                    + other.port + "); a second one would corrupt both engines' responses (zeebe-process-test "
                    + "keeps them in static fields). Stop it first, or point this app at it or at a cluster with "
                    + "lifecycle.engine=remote and camunda.client.grpc-address.");
        }
        try {
            bindGateway(engine.engine, engine.address);
            synchronizeLog(engine.engine);
            engine.engine.start();
        } catch (RuntimeException e) {
            RUNNING.set(null);
            throw e;
        }
        if (!address.isLoopbackAddress()) {
            log.warn("The embedded Zeebe engine's gRPC gateway listens on {}, not a loopback address: it has no "
                    + "authentication, so anyone who can reach that address can deploy, start, cancel and complete "
                    + "processes and publish messages. Keep lifecycle.embedded-address on 127.0.0.1, or run a "
                    + "cluster with authentication (lifecycle.engine=remote).", engine.gatewayAddress());
        }
        return engine;
    }

    /**
     * Replaces the engine's gRPC server (InMemoryEngine.grpcServer, built by EngineFactory with
     * {@code ServerBuilder.forPort}: every interface) with one that serves the same gateway service on {@code address}
     * only. The engine is not started yet, so the replaced server never listened. Reflection on the engine's
     * internals, checked by EmbeddedEngineTest: should another version lay them out differently, this fails and the
     * engine does not start.
     */
    static void bindGateway(ZeebeTestEngine engine, InetSocketAddress address) {
        Server server;
        try {
            Field serverField = engine.getClass().getDeclaredField("grpcServer");
            Field gatewayField = engine.getClass().getDeclaredField("gateway");
            serverField.setAccessible(true);
            gatewayField.setAccessible(true);
            BindableService gateway = (BindableService) gatewayField.get(engine);
            server = NettyServerBuilder.forAddress(address).addService(gateway).build();
            serverField.set(engine, server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot bind the embedded Zeebe engine's gRPC gateway to " + address
                    + " (" + e + "); not starting it, as it would listen on every interface without "
                    + "authentication. Run Zeebe separately and use lifecycle.engine=remote.", e);
        }
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

    /** Every record the engine has written (commands, events, rejections): process state for tests. */
    public RecordStreamSource records() {
        return engine.getRecordStreamSource();
    }

    /** host:port the gateway listens on (the engine's own getGatewayAddress() says 0.0.0.0 whatever it binds). */
    public String gatewayAddress() {
        InetAddress host = address.getAddress();
        return (host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress()) + ":" + port;
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
