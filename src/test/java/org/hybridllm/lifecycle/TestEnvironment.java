package org.hybridllm.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points an app context at the test database, a free port for the embedded engine's gateway and a temporary
 * artifact directory.
 */
public class TestEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-environment",
                properties(freePort())));
    }

    /**
     * An app started by hand (SpringApplicationBuilder) with the test environment plus the given properties, all of
     * them taking precedence over application.yaml.
     */
    public static ConfigurableApplicationContext startApp(String... overrides) {
        Map<String, Object> properties = properties(freePort());
        properties.put("server.port", "0");
        for (String override : overrides) {
            int eq = override.indexOf('=');
            properties.put(override.substring(0, eq), override.substring(eq + 1));
        }
        return new SpringApplicationBuilder(LifecycleApplication.class)
                .initializers(context -> context.getEnvironment().getPropertySources()
                        .addFirst(new MapPropertySource("test-environment", properties)))
                .run();
    }

    public static Map<String, Object> properties(int enginePort) {
        TestDatabase.Connection db = TestDatabase.get();
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", db.url());
        properties.put("spring.datasource.username", db.user());
        properties.put("spring.datasource.password", db.password());
        properties.put("lifecycle.embedded-port", enginePort);
        properties.put("lifecycle.artifact-dir", artifactDir());
        properties.put("lifecycle.fine-tune-poll-interval", "PT1S");
        properties.put("lifecycle.governance.escalate-after", "PT3S");
        properties.put("lifecycle.webhooks.sources.ci.secret", WebhookIT.CI_SECRET);
        properties.put("lifecycle.webhooks.sources.monitoring.secret", "monitoring-test-secret");
        properties.put("lifecycle.webhooks.sources.feedback.secret", "feedback-test-secret");
        properties.put("lifecycle.webhooks.sources.fine-tuning.secret", "fine-tuning-test-secret");
        return properties;
    }

    private static String artifactDir;

    static synchronized String artifactDir() {
        if (artifactDir == null) {
            try {
                artifactDir = Files.createTempDirectory("lifecycle-artifacts").toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return artifactDir;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
