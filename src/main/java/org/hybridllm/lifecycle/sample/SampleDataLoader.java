package org.hybridllm.lifecycle.sample;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.local.MiniLmEmbeddings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads the sample use case (support-ticket routing: labels, prompt versions, an evaluation set, and production
 * interactions with simulated user feedback) at first start, so a demo needs nothing from outside. Idempotent:
 * everything is keyed (use case key, prompt sha256, interaction external id), so a second start adds nothing.
 */
@Component
@ConditionalOnProperty(name = "lifecycle.sample-data.enabled", havingValue = "true", matchIfMissing = true)
public class SampleDataLoader implements ApplicationRunner {

    public static final String USE_CASE = "support-ticket-routing";
    private static final String FOLDER = "sample/" + USE_CASE + "/";
    private static final Logger log = LoggerFactory.getLogger(SampleDataLoader.class);

    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;

    public SampleDataLoader(UseCaseRepository useCases, PromptVersionRepository prompts, JdbcClient jdbc,
                            TransactionTemplate transaction, ObjectMapper json) {
        this.useCases = useCases;
        this.prompts = prompts;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.json = json;
    }

    @Override
    public void run(ApplicationArguments args) {
        loadInto(USE_CASE);
    }

    /** Loads the sample into a use case of the given key (tests use several, so their runs don't interfere). */
    public void loadInto(String useCaseKey) {
        transaction.executeWithoutResult(status -> load(useCaseKey));
    }

    /** A prompt version as written in prompts.json. */
    record SamplePrompt(PromptVersion.Purpose purpose, PromptSpec spec) {
    }

    private void load(String useCaseKey) {
        // serialise concurrent first starts (several app instances on one database)
        jdbc.sql("select pg_advisory_xact_lock(hashtext('sample-data'))").query((rs, i) -> 1).list();
        Optional<UseCase> existing = useCases.findByKey(useCaseKey);
        if (existing.isPresent() && hasInteractions(existing.get().id())) {
            return;
        }
        List<LabelSpec> labels = read("labels.json", new TypeReference<List<LabelSpec>>() { });
        UseCase useCase = useCases.insertIfAbsent(useCaseKey, "Support-ticket routing",
                "Route each customer support ticket to the team that handles it.", labels, 0.90, 400, 0.03,
                "local", MiniLmEmbeddings.MODEL_NAME);
        for (SamplePrompt prompt : read("prompts.json", new TypeReference<List<SamplePrompt>>() { })) {
            prompts.create(useCase.id(), prompt.purpose(), prompt.spec(), "sample-data");
        }
        PromptVersion production = prompts.findByUseCase(useCase.id(), PromptVersion.Purpose.PROTOTYPE).get(0);
        int evalExamples = 0;
        for (JsonNode line : readLines("eval-set.jsonl")) {
            useCases.addEvalExample(useCase.id(), line.path("input").asText(), line.path("label").asText());
            evalExamples++;
        }
        int interactions = 0;
        int feedback = 0;
        for (JsonNode line : readLines("interactions.jsonl")) {
            Optional<Long> interactionId = jdbc.sql("""
                            insert into interaction (use_case_id, external_id, prompt_version_id, subject_id, input,
                                                     output)
                            values (?, ?, ?, ?, ?, ?) on conflict (use_case_id, external_id) do nothing
                            returning id""")
                    .params(useCase.id(), line.path("id").asText(), production.id(), line.path("user").asText(),
                            line.path("input").asText(), line.path("output").asText())
                    .query(Long.class)
                    .optional();
            if (interactionId.isEmpty()) {
                continue;
            }
            interactions++;
            JsonNode f = line.path("feedback");
            if (f.isObject()) {
                jdbc.sql("""
                                insert into feedback (interaction_id, rating, corrected_output, comment, created_by)
                                values (?, ?, ?, ?, ?)""")
                        .params(interactionId.get(), f.path("rating").asInt(), textOrNull(f, "correctedOutput"),
                                textOrNull(f, "comment"), line.path("user").asText())
                        .update();
                feedback++;
            }
        }
        log.info("Sample use case '{}' loaded: {} labels, {} eval examples, {} interactions, {} feedback rows",
                useCaseKey, labels.size(), evalExamples, interactions, feedback);
    }

    private boolean hasInteractions(long useCaseId) {
        return jdbc.sql("select exists (select 1 from interaction where use_case_id = ?)").param(useCaseId)
                .query(Boolean.class).single();
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private <T> T read(String file, TypeReference<T> type) {
        try (InputStream in = new ClassPathResource(FOLDER + file).getInputStream()) {
            return json.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample file " + file, e);
        }
    }

    private List<JsonNode> readLines(String file) {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new ClassPathResource(FOLDER + file).getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(json.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample file " + file, e);
        }
        return lines;
    }
}
