package org.hybridllm.lifecycle.bench;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.worker.JobWorker;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.builder.AbstractFlowNodeBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;

/**
 * Stage workers on the embedded engine: a process of {@value #TASKS} service tasks, each job handled the way our
 * stages are (run once per run and stage through {@link StageExecutor}: per-stage lock, run and ledger read in one
 * statement, an audit row, the recorded output, commit) against the same BPMN whose workers complete every job at once.
 * jobs/s = instances × tasks / time from the first instance created to the last one ended, over two alternated
 * rounds of each.
 */
final class StageWorkersBenchmark implements Benchmark, AutoCloseable {

    static final int TASKS = 10;
    /** Jobs each worker holds at once (BENCH_STAGE_JOBS; the app's default is 8). */
    static final int JOBS_IN_FLIGHT = Integer.parseInt(System.getenv().getOrDefault("BENCH_STAGE_JOBS", "8"));
    private final List<JobWorker> workers = new ArrayList<>();
    private final AtomicReference<CountDownLatch> ended = new AtomicReference<>();
    private long useCaseId;

    record StageOutput(int stage) {
    }

    @Override
    public String name() {
        return "stage workers";
    }

    @Override
    public String target() {
        return ">= 70 % of no-op workers";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.get("jobs/s").medianRatio() >= 0.7;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        CamundaClient camunda = context.app().getBean(CamundaClient.class);
        if (workers.isEmpty()) {
            setUp(context, camunda);
        }
        int instances = context.size(200, 10);
        seconds(context, camunda, "bench-stages-noop", Math.min(instances, 20)); // warm-up
        seconds(context, camunda, "bench-stages-ours", Math.min(instances, 20));
        // alternated twice, so that a slow spell of the machine falls on both sides
        double noopSeconds = 0;
        double oursSeconds = 0;
        for (int round = 0; round < 2; round++) {
            noopSeconds += seconds(context, camunda, "bench-stages-noop", instances);
            oursSeconds += seconds(context, camunda, "bench-stages-ours", instances);
        }
        double jobs = 2.0 * instances * TASKS;
        return List.of(new Measurement(name(), "jobs/s", "jobs/s", jobs / oursSeconds, jobs / noopSeconds, true));
    }

    /** Seconds from the first of {@code instances} created to the last one ended. */
    private double seconds(BenchContext context, CamundaClient camunda, String process, int instances)
            throws InterruptedException {
        RunRepository runs = context.app().getBean(RunRepository.class);
        List<UUID> runIds = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            UUID runId = UUID.randomUUID();
            runs.insert(runId, useCaseId, "bench"); // what a stage's ledger row refers to
            runIds.add(runId);
        }
        CountDownLatch latch = new CountDownLatch(instances);
        ended.set(latch);
        long started = System.nanoTime();
        for (UUID runId : runIds) {
            camunda.newCreateInstanceCommand().bpmnProcessId(process).latestVersion()
                    .variables(Map.of("runId", runId.toString())).send().join();
        }
        if (!latch.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException(process + ": " + latch.getCount() + " instances did not end in 2 minutes");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private void setUp(BenchContext context, CamundaClient camunda) {
        useCaseId = context.jdbc().sql("select id from use_case order by id limit 1").query(Long.class).single();
        StageExecutor stages = context.app().getBean(StageExecutor.class);
        AuditLog audit = context.app().getBean(AuditLog.class);
        for (String variant : List.of("ours", "noop")) {
            AbstractFlowNodeBuilder<?, ?> flow = Bpmn.createExecutableProcess("bench-stages-" + variant)
                    .startEvent();
            for (int t = 1; t <= TASKS; t++) {
                String type = "bench." + variant + "." + t;
                flow = flow.serviceTask("task-" + t, task -> task.zeebeJobType(type));
            }
            camunda.newDeployResourceCommand().addProcessModel(flow.endEvent().done(),
                    "bench-stages-" + variant + ".bpmn").send().join();
            for (int t = 1; t <= TASKS; t++) {
                int stage = t;
                boolean last = t == TASKS;
                workers.add(camunda.newWorker().jobType("bench." + variant + "." + t).handler((client, job) -> {
                    Map<String, Object> variables = Map.of();
                    if (variant.equals("ours")) {
                        StageOutput output = stages.onceInTransaction(job, StageOutput.class, runId -> {
                            audit.record(AuditLog.SYSTEM, "BENCH_STAGE", "run_stage", job.getType(), runId, Map.of());
                            return new StageOutput(stage);
                        });
                        variables = Map.of("stage" + stage, output.stage());
                    }
                    client.newCompleteCommand(job).variables(variables).send().join();
                    if (last) {
                        ended.get().countDown();
                    }
                }).maxJobsActive(JOBS_IN_FLIGHT).pollInterval(Duration.ofMillis(100)).timeout(Duration.ofMinutes(1)).open());
            }
        }
    }

    @Override
    public void close() {
        workers.forEach(JobWorker::close);
    }
}
