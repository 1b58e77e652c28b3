package org.hybridllm.lifecycle.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.camunda.client.CamundaClient;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EmbeddedEngineTest {

    @Test
    void oneEnginePerJvmWithASynchronizedLog() throws Exception {
        int port = freePort();
        try (EmbeddedEngine engine = EmbeddedEngine.start(port)) {
            assertThat(engine.gatewayAddress()).endsWith(":" + port);
            assertThat(logEntries(engine)).isInstanceOf(Collections.synchronizedList(new ArrayList<>())
                    .getClass());
            assertThatThrownBy(() -> EmbeddedEngine.start(freePort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already runs in this JVM (gateway port " + port + ")")
                    .hasMessageContaining("lifecycle.engine=remote");
        }
        // once stopped, the next one may start
        try (EmbeddedEngine again = EmbeddedEngine.start(freePort())) {
            assertThat(again.gatewayAddress()).isNotBlank();
        }
    }

    /**
     * The gateway has no authentication: by default it must not be reachable from another host. A connection to
     * this host's own non-loopback address comes from that address, as another host's connection would.
     */
    @Test
    void byDefaultTheGatewayRefusesConnectionsFromANonLoopbackAddressAndAnswersOnLoopback() throws Exception {
        InetAddress external = nonLoopbackAddress().orElse(null);
        assumeThat(external).as("a non-loopback IPv4 address on this host").isNotNull();
        int port = freePort();
        try (EmbeddedEngine engine = EmbeddedEngine.start(port)) {
            assertThatThrownBy(() -> connect(external, port)).isInstanceOf(ConnectException.class);
            assertThat(topologyAnswers(external, port)).isFalse();
            connect(InetAddress.getLoopbackAddress(), port);
            assertThat(topologyAnswers(InetAddress.getLoopbackAddress(), port)).isTrue();
        }
    }

    /** Bound to a non-loopback address on purpose: that address only, not loopback, and a warning says so. */
    @Test
    void aConfiguredNonLoopbackAddressIsTheOnlyOneListenedOnAndIsWarnedAbout() throws Exception {
        InetAddress external = nonLoopbackAddress().orElse(null);
        assumeThat(external).as("a non-loopback IPv4 address on this host").isNotNull();
        int port = freePort();
        Logger logger = (Logger) LoggerFactory.getLogger(EmbeddedEngine.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (EmbeddedEngine engine = EmbeddedEngine.start(external, port)) {
            assertThat(engine.gatewayAddress()).isEqualTo(external.getHostAddress() + ":" + port);
            assertThat(topologyAnswers(external, port)).isTrue();
            assertThatThrownBy(() -> connect(InetAddress.getLoopbackAddress(), port))
                    .isInstanceOf(ConnectException.class);
            assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(message -> assertThat(message).contains(external.getHostAddress() + ":" + port)
                            .contains("not a loopback address").contains("no authentication"));
        } finally {
            logger.detachAppender(logged);
        }
        // on loopback: no warning
        logged.list.clear();
        logger.addAppender(logged);
        try (EmbeddedEngine engine = EmbeddedEngine.start(freePort())) {
            assertThat(logged.list).noneMatch(event -> event.getLevel() == Level.WARN);
        } finally {
            logger.detachAppender(logged);
        }
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
        }
    }

    /** Whether a real gRPC call (the topology) through the address is answered. */
    static boolean topologyAnswers(InetAddress address, int port) {
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        try (CamundaClient client = CamundaClient.newClientBuilder()
                .grpcAddress(URI.create("http://" + host + ":" + port))
                .preferRestOverGrpc(false)
                .defaultRequestTimeout(Duration.ofSeconds(5))
                .build()) {
            return !client.newTopologyRequest().send().join().getBrokers().isEmpty();
        } catch (RuntimeException refused) {
            return false;
        }
    }

    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .findFirst();
    }

    private static List<?> logEntries(EmbeddedEngine engine) throws Exception {
        Object testEngine = read(engine, "engine");
        Object storage = read(read(testEngine, "logStream"), "logStorage");
        return (List<?>) read(storage, "logEntries");
    }

    private static Object read(Object owner, String name) throws Exception {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
