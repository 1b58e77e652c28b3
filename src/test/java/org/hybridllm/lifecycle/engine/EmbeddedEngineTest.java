package org.hybridllm.lifecycle.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.ArrayList;

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
