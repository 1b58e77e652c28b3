package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.client.CamundaClient;
import io.camunda.client.exception.JobError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.stage.StageWork;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Retries of a stage's job: a transient failure records nothing and backs off; a retry after success redoes nothing;
 * slow work holds no connection.
 */
@AppTest
class StageExecutorIT {

    @Autowired
    StageExecutor stages;
    @Autowired
    RunRepository runs;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    CamundaClient camunda;
    @Autowired
    RunService runService;
    @Autowired
    TestRestTemplate http;

    record Output(int attempt) {
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffAndARetriedJobNeverRunsTheWorkTwice() {
        UUID runId = newRun();
        Map<String, Object> variables = Map.of("runId", runId.toString());
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> stages.onceInTransaction(FakeJob.of("lifecycle.test.flaky", 1L, 3, variables), Output.class, id -> {
            calls.incrementAndGet();
            jdbc.sql("insert into audit_event (actor, action, entity_type, entity_id, run_id) values ('t', 'x', 'y', 'z', ?)")
                    .param(id).update();
            throw new IllegalStateException("database hiccup");
        }))
                .isInstanceOfSatisfying(JobError.class, e -> {
                    assertThat(e.getRetries()).isEqualTo(2);
                    assertThat(e.getRetryBackoff()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(e.getErrorMessage()).contains("database hiccup");
                });
        // the failed attempt's writes were rolled back with it
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ?").param(runId).query(Long.class)
                .single()).isZero();

        Output first = stages.onceInTransaction(FakeJob.of("lifecycle.test.flaky", 2L, 2, variables), Output.class,
                id -> new Output(calls.incrementAndGet()));
        Output again = stages.onceInTransaction(FakeJob.of("lifecycle.test.flaky", 3L, 2, variables), Output.class,
                id -> new Output(calls.incrementAndGet()));
        assertThat(first).isEqualTo(new Output(2));
        assertThat(again).isEqualTo(first);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aJobHandedOutAgainWhileItsFirstAttemptStillWorksWaitsAndDoesNotWorkTwice() throws Exception {
        UUID runId = newRun();
        Map<String, Object> variables = Map.of("runId", runId.toString());
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch working = new CountDownLatch(1);
        Function<UUID, Output> slowWork = id -> {
            int call = calls.incrementAndGet();
            working.countDown();
            LifecycleApi.sleep(1500); // longer than it takes the second attempt to arrive
            return new Output(call);
        };

        try (var pool = Executors.newFixedThreadPool(2)) {
            var first = pool.submit(() -> stages.onceInTransaction(FakeJob.of("lifecycle.test.slow", 10L, 3, variables),
                    Output.class, slowWork));
            working.await();
            // e.g. the job timed out and another app instance activated it
            var second = pool.submit(() -> stages.onceInTransaction(FakeJob.of("lifecycle.test.slow", 10L, 3, variables),
                    Output.class, slowWork));
            assertThat(first.get()).isEqualTo(new Output(1));
            assertThat(second.get()).isEqualTo(new Output(1));
        }
        assertThat(calls).hasValue(1);
        assertThat(jdbc.sql("select executed_by from run_stage where run_id = ?").param(runId).query(String.class)
                .single()).isNotBlank();
    }

    @Test
    void anInstanceTheEngineCreatedWithoutAnsweringClaimsItsRunAndASecondInstanceIsCancelled() {
        UUID runId = newRun();
        // what RunService leaves behind when the create command times out: INTERRUPTED, no instance
        assertThat(runs.markInterruptedWithoutInstance(runId)).isTrue();
        long orphan = createInstance(runId);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (runs.find(runId).orElseThrow().processInstanceKey() == null && Instant.now().isBefore(deadline)) {
            LifecycleApi.sleep(100);
        }
        LifecycleRun claimed = runs.find(runId).orElseThrow();
        assertThat(claimed.processInstanceKey()).isEqualTo(orphan);
        assertThat(claimed.status()).isEqualTo(RunStatus.RUNNING);
        // and it stays INTERRUPTED-proof: the create call's own failure handling no longer marks it
        assertThat(runs.markInterruptedWithoutInstance(runId)).isFalse();

        long second = createInstance(runId);
        while (jdbc.sql("""
                        select count(*) from audit_event where run_id = ? and action = 'DUPLICATE_INSTANCE_CANCELLED'
                          and details->>'processInstanceKey' = ?""")
                .params(runId, String.valueOf(second)).query(Long.class).single() == 0) {
            assertThat(Instant.now()).isBefore(deadline);
            LifecycleApi.sleep(100);
        }
        assertThat(runs.find(runId).orElseThrow().processInstanceKey()).isEqualTo(orphan);
        // the second instance is gone from the engine
        assertThatThrownBy(() -> camunda.newCancelInstanceCommand(second).send().join())
                .hasMessageContaining("NOT_FOUND");
        runService.cancel(runId, "engineer", "test done");
    }

    /** A provider that answers after 5 s, as a real one evaluating a large set does. */
    static final class SlowProvider implements ModelProvider {

        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "slow";
        }

        @Override
        public List<Completion> complete(ModelRequest request) {
            calls.incrementAndGet();
            LifecycleApi.sleep(5000);
            return request.inputs().stream().map(input -> new Completion("billing", 10, 1, 5000, null)).toList();
        }
    }

    @Test
    void sixteenJobsWaitingOnASlowProviderHoldNoConnectionAndEachStageIsRecordedOnce() throws Exception {
        SlowProvider provider = new SlowProvider();
        List<UUID> runIds = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            runIds.add(newRun());
        }
        ModelRequest request = new ModelRequest(new ModelTarget("slow", "slow-model", null),
                new PromptSpec("Classify.", PromptSpec.INPUT_PLACEHOLDER, false, List.of()), List.of(),
                List.of("my invoice is wrong"));
        StageWork<Output> evaluate = runId -> {
            List<Completion> completions = provider.complete(request);
            return () -> {
                jdbc.sql("insert into audit_event (actor, action, entity_type, entity_id, run_id)"
                        + " values ('t', 'SLOW_RECORDED', 'y', 'z', ?)").param(runId).update();
                return new Output(completions.size());
            };
        };
        LifecycleApi api = new LifecycleApi(http);
        api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs", null); // warm: the first request is cold
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Output>> attempts = new ArrayList<>();
            for (UUID runId : runIds) {
                // each job twice: a job handed out again while its first attempt still waits on the provider
                for (long attempt = 0; attempt < 2; attempt++) {
                    var job = FakeJob.of("lifecycle.test.provider", attempt, 3, Map.of("runId", runId.toString()));
                    attempts.add(workers.submit(() -> stages.once(job, Output.class, evaluate)));
                }
            }
            // while 32 attempts wait on the provider, the API still answers at once (no pooled connection held)
            LifecycleApi.sleep(1000);
            assertThat(provider.calls.get()).as("attempts waiting on the provider").isGreaterThanOrEqualTo(16);
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs", null).getStatusCode().value())
                        .isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            }
            for (Future<Output> attempt : attempts) {
                assertThat(attempt.get()).isEqualTo(new Output(1));
            }
        }
        for (UUID runId : runIds) {
            assertThat(jdbc.sql("select count(*) from run_stage where run_id = ? and stage = 'lifecycle.test.provider'")
                    .param(runId).query(Long.class).single()).isEqualTo(1);
            assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = 'SLOW_RECORDED'")
                    .param(runId).query(Long.class).single()).as("the losing attempt's work is discarded").isEqualTo(1);
        }
    }

    /** A run of the sample use case, in Postgres only. */
    private UUID newRun() {
        UUID runId = UUID.randomUUID();
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(SampleDataLoader.USE_CASE)
                .query(Long.class).single();
        runs.insert(runId, useCaseId, "engineer");
        return runId;
    }

    private long createInstance(UUID runId) {
        return camunda.newCreateInstanceCommand().bpmnProcessId(RunService.PROCESS_ID).latestVersion()
                .variables(Map.of("runId", runId.toString(), "useCaseKey", SampleDataLoader.USE_CASE,
                        "startedBy", "engineer", "fineTunePollInterval", "PT1S", "reviewEscalateAfter", "PT1H"))
                .send().join().getProcessInstanceKey();
    }
}
