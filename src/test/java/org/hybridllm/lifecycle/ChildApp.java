package org.hybridllm.lifecycle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The app in a JVM of its own, on the test database, with free ports and the test environment's properties (as
 * command-line arguments), so that a test can kill it as the operating system would: {@link #kill()} sends
 * SIGKILL ({@link Process#destroyForcibly()} on Linux). Its output goes to {@code target/child-apps/<name>.log}.
 */
final class ChildApp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ChildApp(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the app with the test environment plus the given properties and waits until it serves the API. */
    static ChildApp start(String name, Map<String, String> overrides) {
        int port = TestEnvironment.freePort();
        Map<String, Object> properties = new TreeMap<>(TestEnvironment.properties(TestEnvironment.freePort()));
        properties.put("server.port", port);
        properties.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1536m", "-XX:+UseSerialGC",
                "-cp", classPath(), LifecycleApplication.class.getName()));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Path logs = Files.createDirectories(Path.of("target", "child-apps"));
            Path log = logs.resolve(name + ".log");
            Files.writeString(logs.resolve(name + ".cmd"), String.join("\n", command));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ChildApp app = new ChildApp(process, port, log);
            app.awaitReady();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The classpath this test runs with (surefire/failsafe name it apart from their booter jar), each entry once:
     * the engine deploys every BPMN file on the classpath, and a directory listed twice deploys them twice.
     */
    static String classPath() {
        String listed = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, new LinkedHashSet<>(List.of(listed.split(File.pathSeparator))));
    }

    /** Ready when the health endpoint is UP and the sample use cases are loaded (issue 18: UP came first). */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the child app exited with " + process.exitValue() + " while starting; see "
                        + log.toAbsolutePath());
            }
            if (Instant.now().isAfter(deadline) || startFailed()) {
                kill();
                throw new AssertionError("the child app did not start (in " + START_TIMEOUT + "); see "
                        + log.toAbsolutePath());
            }
            try {
                if (get(null, "/actuator/health").statusCode() == 200
                        && get(LifecycleApi.ENGINEER, "/api/use-cases/support-reply").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // the web server is not up yet
            }
            LifecycleApi.sleep(250);
        }
    }

    /** Spring Boot logs this when the context fails; the engine's threads may keep the JVM alive after it. */
    private boolean startFailed() {
        try {
            return Files.readString(log).contains("Application run failed");
        } catch (IOException e) {
            return false;
        }
    }

    HttpResponse<String> get(String user, String path) {
        return send(request(user, path).GET().build());
    }

    HttpResponse<String> postJson(String user, String path, String json) {
        return send(request(user, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpRequest.Builder request(String user, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofMinutes(2));
        if (user != null) {
            String password = user + "-dev";
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpClient http() {
        return http;
    }

    /** SIGKILL: no shutdown hook, no graceful stop of the engine, the web server or the pool. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Waits for the process to end by itself (a fault-injection halt) and returns its exit status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the child app is still running after " + timeout + "; see "
                        + log.toAbsolutePath());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
