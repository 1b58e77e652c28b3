package org.hybridllm.lifecycle.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.ProviderRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible adapters over HTTP against a fake that speaks OpenAI's wire format. */
class OpenAiAdaptersTest {

    static final List<LabelSpec> LABELS = List.of(new LabelSpec("billing", "Charges and invoices"),
            new LabelSpec("account_access", "Cannot sign in"));
    static final PromptSpec PROMPT = new PromptSpec("Route the support ticket.", "Ticket: {{input}}", true, List.of());

    FakeOpenAiServer fake;
    final List<FineTuneEvent> recorded = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fake = new FakeOpenAiServer("sk-test");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    OpenAiProperties.Endpoint endpoint(String apiKey) {
        return new OpenAiProperties.Endpoint("openai", fake.baseUrl(), apiKey, 2, Duration.ofSeconds(10), 4, 16,
                Map.of("gpt-4o-mini", new OpenAiProperties.Price(new BigDecimal("0.15"), new BigDecimal("0.60"),
                        new BigDecimal("3.00"))));
    }

    OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(fake.baseUrl()).apiKey(apiKey).maxRetries(2)
                .timeout(Duration.ofSeconds(10)).build();
    }

    OpenAiChatProvider chat(String apiKey) {
        return new OpenAiChatProvider("openai", client(apiKey), endpoint(apiKey));
    }

    ModelRequest request(String... inputs) {
        return new ModelRequest(new ModelTarget("openai", "gpt-4o-mini", null), PROMPT, LABELS, List.of(inputs));
    }

    @Test
    void chatCompletionsAreMappedToLabelsWithTokensLatencyAndCost() {
        fake.answerWith((model, input) -> input.contains("password") ? " Account access." : "BILLING");
        List<Completion> completions = chat("sk-test").complete(request("I forgot my password", "double charge"));
        assertThat(completions).extracting(Completion::output).containsExactly("account_access", "billing");
        Completion first = completions.get(0);
        assertThat(first.promptTokens()).isPositive();
        assertThat(first.completionTokens()).isEqualTo(2);
        assertThat(first.costUsd()).isEqualByComparingTo(new BigDecimal("0.15").multiply(
                BigDecimal.valueOf(first.promptTokens())).add(new BigDecimal("1.20")).divide(BigDecimal.valueOf(1_000_000)));
        assertThat(fake.requests()).containsOnly("POST /chat/completions");
    }

    @Test
    void aRefusedKeyIsABusinessFailureWithAClearMessageAndIsNotRetried() {
        assertThatThrownBy(() -> chat("sk-wrong").complete(request("hello")))
                .isInstanceOf(ProviderRejectedException.class)
                .hasMessageContaining("refused the credentials (HTTP 401)")
                .hasMessageNotContaining("sk-wrong");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void a429IsRetriedAfterTheRetryAfterDelay() {
        fake.failNext(new FakeOpenAiServer.Failure(429, Map.of("Retry-After", "2"), "Rate limit reached"));
        List<Completion> completions = chat("sk-test").complete(request("double charge"));
        assertThat(completions).extracting(Completion::output).containsExactly("billing");
        List<Long> times = fake.requestTimesMillis();
        assertThat(times).hasSize(2);
        assertThat(times.get(1) - times.get(0)).as("waited for Retry-After: 2").isGreaterThanOrEqualTo(1900);
    }

    @Test
    void a500IsRetriedThenSucceeds() {
        fake.failNext(new FakeOpenAiServer.Failure(500, Map.of(), "The server had an error"));
        assertThat(chat("sk-test").complete(request("double charge"))).hasSize(1);
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void persistent5xxIsATransientFailureForTheStageToRetry() {
        for (int i = 0; i < 10; i++) {
            fake.failNext(new FakeOpenAiServer.Failure(503, Map.of("Retry-After", "0"), "Overloaded"));
        }
        assertThatThrownBy(() -> chat("sk-test").complete(request("x")))
                .isNotInstanceOf(ProviderRejectedException.class);
        // retried by the client (2 retries per attempt; OkHttp may add its own), then left to the stage backoff
        assertThat(fake.requests().size()).isBetween(3, 9);
    }

    @Test
    void aFineTuningJobIsUploadedCreatedFollowedAndItsLossCurveRecorded(@TempDir Path dir) throws Exception {
        OpenAiFineTuner tuner = new OpenAiFineTuner("openai", client("sk-test"),
                (name, id, event) -> recorded.add(event), endpoint("sk-test"));
        FineTuneRequest request = fineTuneRequest(dir, "run-1");
        String id = tuner.submit(request);
        assertThat(fake.job(id).get("hyperparameters")).isNotNull();
        assertThat(new String(fake.file((String) fake.job(id).get("training_file")))).contains("\"messages\"");
        // resubmitting the same job finds it instead of creating another
        assertThat(tuner.submit(request)).isEqualTo(id);
        assertThat(fake.requests().stream().filter(r -> r.equals("POST /fine_tuning/jobs"))).hasSize(1);

        FineTuneStatus running = tuner.status(id);
        assertThat(running.state()).isEqualTo(FineTuneStatus.State.RUNNING);
        FineTuneStatus done = tuner.status(id);
        assertThat(done.state()).isEqualTo(FineTuneStatus.State.SUCCEEDED);
        assertThat(done.modelRef()).isEqualTo("ft:gpt-4o-mini:org-fake::" + id);
        assertThat(recorded).extracting(FineTuneEvent::step).contains(1, 2, 3, 4, 5, 6);
        assertThat(recorded.get(0).trainLoss()).isEqualTo(2.0);
        assertThat(recorded.get(0).evalLoss()).isEqualTo(2.2);
        // the job trained 12,345 tokens; gpt-4o-mini's training price is $3.00 per million
        assertThat(running.trainingCost()).as("no cost while it runs").isNull();
        assertThat(done.trainingCost().usd()).isEqualByComparingTo("0.037035");
        assertThat(done.trainingCost().basis())
                .isEqualTo("12345 trained tokens × $3.00 per million training tokens of gpt-4o-mini");
        assertThat(done.trainingCost().seconds()).isNotNull().isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void withoutATrainingPriceTheCostIsUnknownAndTheReasonNamesTheSetting(@TempDir Path dir) throws Exception {
        OpenAiProperties.Endpoint unpriced = new OpenAiProperties.Endpoint("openai", fake.baseUrl(), "sk-test", 2,
                Duration.ofSeconds(10), 4, 16, Map.of("gpt-4o-mini",
                new OpenAiProperties.Price(new BigDecimal("0.15"), new BigDecimal("0.60"), null)));
        OpenAiFineTuner tuner = new OpenAiFineTuner("openai", client("sk-test"), (name, id, event) -> { },
                unpriced);
        String id = tuner.submit(fineTuneRequest(dir, "run-4"));
        tuner.status(id);
        FineTuneStatus done = tuner.status(id);
        assertThat(done.state()).isEqualTo(FineTuneStatus.State.SUCCEEDED);
        assertThat(done.trainingCost().usd()).isNull();
        assertThat(done.trainingCost().basis()).contains("12345 trained tokens")
                .contains("lifecycle.providers.openai.prices.gpt-4o-mini.training-per-million");
    }

    @Test
    void aFailedJobReportsTheProvidersReasonAndACancelReachesTheProvider(@TempDir Path dir) throws Exception {
        OpenAiFineTuner tuner = new OpenAiFineTuner("openai", client("sk-test"),
                (name, id, event) -> recorded.add(event), endpoint("sk-test"));
        fake.failJobsWith("Training file has 3 examples; at least 10 are required");
        String failing = tuner.submit(fineTuneRequest(dir, "run-2"));
        tuner.status(failing);
        FineTuneStatus failed = tuner.status(failing);
        assertThat(failed.state()).isEqualTo(FineTuneStatus.State.FAILED);
        assertThat(failed.error()).contains("at least 10 are required");
        assertThat(failed.trainingCost().usd()).as("a failed job trained nothing billable it reported").isNull();
        assertThat(failed.trainingCost().basis()).contains("no trained tokens");

        fake.failJobsWith(null);
        fake.finishJobsAfter(1000);
        String long_ = tuner.submit(fineTuneRequest(dir, "run-3"));
        tuner.cancel(long_);
        assertThat(fake.job(long_).get("status")).isEqualTo("cancelled");
        assertThat(tuner.status(long_).state()).isEqualTo(FineTuneStatus.State.CANCELLED);
    }

    private static FineTuneRequest fineTuneRequest(Path dir, String jobName) throws Exception {
        Path train = Files.writeString(dir.resolve(jobName + "-train.jsonl"),
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Route.\"},{\"role\":\"user\",\"content\":\"x\"},"
                        + "{\"role\":\"assistant\",\"content\":\"billing\"}]}\n");
        Path validation = Files.writeString(dir.resolve(jobName + "-validation.jsonl"), Files.readString(train));
        return new FineTuneRequest(jobName, "gpt-4o-mini", TaskKind.CLASSIFICATION, train, validation, null, PROMPT,
                LABELS, null, Map.of("epochs", 3, "suffix", "tickets"), dir);
    }
}
