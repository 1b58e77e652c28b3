package org.hybridllm.lifecycle.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;
import org.hybridllm.lifecycle.TestEnvironment;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the benchmarks run against: the app (embedded engine, local model, the benchmark database), an in-process
 * OpenAI-compatible upstream, and whether this is the short smoke run. The app starts when a benchmark first asks
 * for it, so that a benchmark with an app of its own (the webhook's) can run while no other embedded engine does.
 */
final class BenchContext implements AutoCloseable {

    static final String UPSTREAM_KEY = "sk-bench";

    private final FakeOpenAiServer upstream;
    private final boolean smoke;
    private ConfigurableApplicationContext app;

    BenchContext(FakeOpenAiServer upstream, boolean smoke) {
        this.upstream = upstream;
        this.smoke = smoke;
    }

    ConfigurableApplicationContext app() {
        if (app == null) {
            app = TestEnvironment.startAppWithItsOwnModel(
                    "lifecycle.providers.upstream.base-url=" + upstream.baseUrl(),
                    "lifecycle.providers.upstream.api-key=" + UPSTREAM_KEY,
                    "logging.level.root=WARN", "logging.level.org.hybridllm=WARN");
        }
        return app;
    }

    FakeOpenAiServer upstream() {
        return upstream;
    }

    boolean smoke() {
        return smoke;
    }

    int port() {
        return Integer.parseInt(app().getEnvironment().getProperty("local.server.port"));
    }

    JdbcClient jdbc() {
        return app().getBean(JdbcClient.class);
    }

    HttpRequest.Builder request(String path, String user, String password) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes()));
    }

    /** Scales a full-run size down for the smoke run. */
    int size(int full, int smoke) {
        return this.smoke ? smoke : full;
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
