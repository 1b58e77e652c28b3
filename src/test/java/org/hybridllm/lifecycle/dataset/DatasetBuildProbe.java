package org.hybridllm.lifecycle.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.UUID;
import org.hybridllm.lifecycle.feedback.FeedbackRepository;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.artifact.ArtifactProperties;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dataset stage's build, run on its own in a JVM of the benchmark's choosing (e.g. {@code -Xmx256m}): the
 * same {@link BuildDatasetWorker} code on the same database, without the engine. Prints the build's time in
 * milliseconds; a build that does not fit the heap ends the JVM with an OutOfMemoryError.
 *
 * <p>Arguments: jdbc-url user password use-case-id feedback-up-to-id artifact-dir
 */
public final class DatasetBuildProbe {

    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        long useCaseId = Long.parseLong(args[3]);
        long upTo = Long.parseLong(args[4]);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
        UseCaseRepository useCases = new UseCaseRepository(jdbc, json);
        RunRepository runs = new RunRepository(jdbc, event -> { }, useCases);
        BuildDatasetWorker worker = new BuildDatasetWorker(runs, useCases,
                new PromptVersionRepository(jdbc, json), new FeedbackRepository(jdbc, dataSource),
                new DatasetRepository(jdbc, dataSource, json), new ArtifactStore(new ArtifactProperties(Path.of(args[5])), jdbc,
                json), null, new AuditLog(jdbc, json), json, new DatasetProperties(0.15, 0.15, 20261124L, 0.7, 0.05));
        UUID runId = UUID.randomUUID();
        runs.insert(runId, useCaseId, "bench");
        long started = System.nanoTime();
        // in one transaction, as the stage runs it (StageExecutor)
        BuildDatasetWorker.DatasetBuilt built = new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                .execute(status -> worker.build(runId, upTo));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("built " + (built.trainRows() + built.validationRows() + built.testRows())
                + " examples in " + millis + " ms, max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        System.out.println("millis=" + millis);
    }

    private DatasetBuildProbe() {
    }
}
