package org.hybridllm.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Points an app context at the test database, a free port for the embedded engine's gateway and a temporary
 * artifact directory, with the configured users' passwords hashed cheaply and the JVM's one local model.
 */
public class TestEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-environment",
                properties(freePort())));
        context.addBeanFactoryPostProcessor(new SharedLocalModel());
    }

    /**
     * An app started by hand (SpringApplicationBuilder) with the test environment plus the given properties, all of
     * them taking precedence over application.yaml, and the JVM's {@link SharedLocalModel}. An app that an
     * {@link AppTest} class left cached is closed first: the JVM holds one embedded engine at a time.
     */
    public static ConfigurableApplicationContext startApp(String... overrides) {
        return start(true, overrides);
    }

    /** As {@link #startApp}, with a local model of its own, cold as in a new process: what benchmarks measure. */
    public static ConfigurableApplicationContext startAppWithItsOwnModel(String... overrides) {
        return start(false, overrides);
    }

    private static ConfigurableApplicationContext start(boolean sharedModel, String... overrides) {
        OneAppAtATime.closeCachedApp();
        Map<String, Object> properties = properties(freePort());
        properties.put("server.port", "0");
        for (String override : overrides) {
            int eq = override.indexOf('=');
            properties.put(override.substring(0, eq), override.substring(eq + 1));
        }
        return new SpringApplicationBuilder(LifecycleApplication.class)
                .initializers(context -> {
                    context.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("test-environment", properties));
                    if (sharedModel) {
                        context.addBeanFactoryPostProcessor(new SharedLocalModel());
                    }
                })
                .run();
    }

    /** An engine started by hand, for apps with lifecycle.engine=remote; a cached app's engine is closed first. */
    public static EmbeddedEngine startEngine(int port) {
        OneAppAtATime.closeCachedApp();
        return EmbeddedEngine.start(port);
    }

    public static Map<String, Object> properties(int enginePort) {
        TestDatabase.Connection db = TestDatabase.get();
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", db.url());
        properties.put("spring.datasource.username", db.user());
        properties.put("spring.datasource.password", db.password());
        properties.put("lifecycle.embedded-port", enginePort);
        properties.put("lifecycle.artifact-dir", artifactDir());
        // the engine client's deadline (10 s by default) covers the deployment at start: on a loaded 2-CPU CI
        // machine the embedded engine can take longer, and the whole test class would fail to start
        properties.put("camunda.client.request-timeout", "PT60S");
        // short waits where the app waits on time: provider jobs' status polls, overdue reviews, the message outbox
        properties.put("lifecycle.fine-tune-poll-interval", "PT0.25S");
        properties.put("lifecycle.governance.escalate-after", "PT1S");
        properties.put("lifecycle.outbox.poll-interval", "PT0.1S");
        // the retention process's cycle: only use cases with a retention period (ErasureIT's) are touched
        properties.put("lifecycle.erasure.retention-interval", "PT2S");
        properties.put("lifecycle.webhooks.sources.ci.secret", WebhookIT.CI_SECRET);
        properties.put("lifecycle.webhooks.sources.monitoring.secret", "monitoring-test-secret");
        properties.put("lifecycle.webhooks.sources.feedback.secret", "feedback-test-secret");
        properties.put("lifecycle.webhooks.sources.fine-tuning.secret", "fine-tuning-test-secret");
        properties.putAll(USERS);
        return properties;
    }

    /**
     * application.yaml's users with their default passwords, pre-encoded at BCrypt's lowest cost: HTTP Basic checks
     * the password on every call, and at the default cost (10) the tests' status polls kept a CPU busy hashing.
     * The whole list, since Spring Boot binds a list from one property source only.
     */
    private static final Map<String, Object> USERS = users(List.of(
            new TestUser(LifecycleApi.ENGINEER, "engineer-dev", "ENGINEER"),
            new TestUser(LifecycleApi.REVIEWER, "reviewer-dev", "REVIEWER"),
            new TestUser(LifecycleApi.REVIEWER2, "reviewer2-dev", "REVIEWER"),
            new TestUser(LifecycleApi.ADMIN, "admin-dev", "ADMIN", "ENGINEER", "REVIEWER")));

    private record TestUser(String name, String password, String... roles) {
    }

    private static Map<String, Object> users(List<TestUser> users) {
        BCryptPasswordEncoder cheap = new BCryptPasswordEncoder(4);
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            TestUser user = users.get(i);
            String prefix = "lifecycle.security.users[" + i + "].";
            properties.put(prefix + "name", user.name());
            properties.put(prefix + "password", "{bcrypt}" + cheap.encode(user.password()));
            for (int r = 0; r < user.roles().length; r++) {
                properties.put(prefix + "roles[" + r + "]", user.roles()[r]);
            }
        }
        return Map.copyOf(properties);
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
