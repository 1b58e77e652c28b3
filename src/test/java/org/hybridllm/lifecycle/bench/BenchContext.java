package org.hybridllm.lifecycle.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the benchmarks run against: the app (embedded engine, local model, the benchmark database), an in-process
 * OpenAI-compatible upstream, and whether this is the short smoke run.
 */
record BenchContext(ConfigurableApplicationContext app, FakeOpenAiServer upstream, boolean smoke) {

    int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    JdbcClient jdbc() {
        return app.getBean(JdbcClient.class);
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
}
