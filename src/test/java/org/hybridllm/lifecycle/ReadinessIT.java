package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;

/**
 * The app reports ready only once the sample data is loaded: a probe that runs while the app's start-up runners
 * run (before SampleDataLoader) finds /actuator/health, its readiness group and /readiness refusing over HTTP;
 * once started, they answer UP and the README's first call works at once.
 */
@AppTest
@Import(ReadinessIT.ProbeDuringStartUp.class)
class ReadinessIT {

    /** What the health endpoints answered while the start-up runners ran: path → "status code + body status". */
    static final Map<String, String> DURING_START_UP = new LinkedHashMap<>();
    static final String[] PATHS = {"/actuator/health", "/actuator/health/readiness", "/readiness"};

    @TestConfiguration(proxyBeanMethods = false)
    static class ProbeDuringStartUp {

        /** Runs first of the app's runners, while the sample data is still to be loaded. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        ApplicationRunner probeHealthBeforeSampleData(Environment environment) {
            return args -> {
                int port = environment.getRequiredProperty("local.server.port", Integer.class);
                for (String path : PATHS) {
                    DURING_START_UP.put(path, probe(port, path));
                }
            };
        }
    }

    @Autowired
    TestRestTemplate http;
    @Autowired
    Environment environment;

    @Test
    void notReadyUntilTheSampleDataIsLoadedThenReadyAndTheDemoWorks() throws Exception {
        assertThat(DURING_START_UP).containsOnlyKeys(PATHS);
        DURING_START_UP.forEach((path, answer) -> assertThat(answer).as(path).isEqualTo("503 OUT_OF_SERVICE"));

        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        for (String path : PATHS) {
            assertThat(probe(port, path)).as(path).isEqualTo("200 UP");
        }
        // the README's first curl, the moment the app reports UP
        var run = new LifecycleApi(http).call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs",
                Map.of("useCase", SampleDataLoader.USE_CASE));
        assertThat(run.getStatusCode().value()).as(String.valueOf(run.getBody())).isEqualTo(201);
        new LifecycleApi(http).call(LifecycleApi.ENGINEER, HttpMethod.POST,
                "/api/runs/" + run.getBody().path("id").asText() + "/cancel", Map.of("reason", "readiness test"));
    }

    static String probe(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + new ObjectMapper().readTree(response.body()).path("status").asText();
    }
}
