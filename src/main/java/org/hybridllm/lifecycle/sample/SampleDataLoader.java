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
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldRule;
import org.hybridllm.lifecycle.scoring.RubricCriterion;
import org.hybridllm.lifecycle.scoring.ScorerSpec;
import org.hybridllm.lifecycle.usecase.OutputContract;
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
 * Loads the sample use cases at first start, so a demo needs nothing from outside: support-ticket routing
 * (classification), support-ticket extraction (extraction) and support replies (generation), each with prompt
 * versions, an evaluation set, and production interactions with simulated user feedback (files written by the
 * generators in {@code tools/sample-data}). Idempotent: everything is keyed (use case key, prompt sha256,
 * interaction external id), so a second start adds nothing.
 */
@Component
@ConditionalOnProperty(name = "lifecycle.sample-data.enabled", havingValue = "true", matchIfMissing = true)
public class SampleDataLoader implements ApplicationRunner {

    public static final String USE_CASE = "support-ticket-routing";
    public static final String EXTRACTION_USE_CASE = "support-ticket-extraction";
    public static final String REPLY_USE_CASE = "support-reply";
    /** The routing sample's declared volume: a support desk of about a thousand tickets a day. */
    static final int ROUTING_MONTHLY_REQUESTS = 30_000;
    public static final List<String> SAMPLES = List.of(USE_CASE, EXTRACTION_USE_CASE, REPLY_USE_CASE);
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
        SAMPLES.forEach(sample -> loadInto(sample, sample));
    }

    /** Loads the routing sample into a use case of the given key (tests use several, so their runs don't interfere). */
    public void loadInto(String useCaseKey) {
        loadInto(USE_CASE, useCaseKey);
    }

    /** Loads one of the {@link #SAMPLES} into a use case of the given key. */
    public void loadInto(String sample, String useCaseKey) {
        if (!SAMPLES.contains(sample)) {
            throw new IllegalArgumentException("no sample '" + sample + "'; known: " + SAMPLES);
        }
        transaction.executeWithoutResult(status -> load(sample, useCaseKey));
    }

    /** A prompt version as written in prompts.json. */
    record SamplePrompt(PromptVersion.Purpose purpose, PromptSpec spec) {
    }

    /** use-case.json: the use case and its output contract. */
    record SampleUseCase(String name, String description, TaskKind task, double targetQuality,
                         int minLabelledExamples, double plateauDelta, JsonNode outputSchema,
                         Map<String, FieldRule> fieldRules, List<RubricCriterion> rubric, List<ScorerSpec> scorers,
                         Integer monthlyRequests) {
    }

    private void load(String sample, String useCaseKey) {
        // serialise concurrent first starts (several app instances on one database)
        jdbc.sql("select pg_advisory_xact_lock(hashtext('sample-data'))").query((rs, i) -> 1).list();
        Optional<UseCase> existing = useCases.findByKey(useCaseKey);
        if (existing.isPresent() && hasInteractions(existing.get().id())) {
            return;
        }
        String folder = "sample/" + sample + "/";
        UseCase useCase = useCases.insertIfAbsent(describe(folder, useCaseKey), "sample-data");
        for (SamplePrompt prompt : read(folder + "prompts.json", new TypeReference<List<SamplePrompt>>() { })) {
            prompts.create(useCase.id(), prompt.purpose(), prompt.spec(), "sample-data");
        }
        PromptVersion production = prompts.findByUseCase(useCase.id(), PromptVersion.Purpose.PROTOTYPE).get(0);
        int evalExamples = 0;
        for (JsonNode line : readLines(folder + "eval-set.jsonl")) {
            JsonNode expected = line.has("expected") ? line.get("expected") : line.get("label");
            useCases.addEvalExample(useCase.id(), textOf(line.get("input")), textOf(expected));
            evalExamples++;
        }
        int interactions = 0;
        int feedback = 0;
        for (JsonNode line : readLines(folder + "interactions.jsonl")) {
            String output = textOf(line.get("output"));
            Optional<Long> interactionId = jdbc.sql("""
                            insert into interaction (use_case_id, external_id, prompt_version_id, subject_id, input,
                                                     output)
                            values (?, ?, ?, ?, ?, ?) on conflict (use_case_id, external_id) do nothing
                            returning id""")
                    .params(useCase.id(), line.path("id").asText(), production.id(), line.path("user").asText(),
                            textOf(line.get("input")), output)
                    .query(Long.class)
                    .optional();
            if (interactionId.isEmpty()) {
                continue;
            }
            interactions++;
            JsonNode f = line.path("feedback");
            if (f.isObject()) {
                jdbc.sql("""
                                insert into feedback (interaction_id, rating, corrected_output, original_output, comment,
                                                      created_by)
                                values (?, ?, ?, ?, ?, ?)""")
                        .params(interactionId.get(), f.path("rating").asInt(), textOf(f.get("correctedOutput")),
                                output, textOf(f.get("comment")), line.path("user").asText())
                        .update();
                feedback++;
            }
        }
        log.info("Sample use case '{}' ({}) loaded: {} eval examples, {} interactions, {} feedback rows",
                useCaseKey, useCase.task(), evalExamples, interactions, feedback);
    }

    /** The routing sample predates use-case.json: its labels file and these settings describe it. */
    private UseCaseRepository.NewUseCase describe(String folder, String useCaseKey) {
        if (!new ClassPathResource(folder + "use-case.json").exists()) {
            List<LabelSpec> labels = read(folder + "labels.json", new TypeReference<List<LabelSpec>>() { });
            return new UseCaseRepository.NewUseCase(useCaseKey, "Support-ticket routing",
                    "Route each customer support ticket to the team that handles it.",
                    new OutputContract(1, TaskKind.CLASSIFICATION, labels, null, null, null, null, null), 0.90, 400,
                    0.03, "local", MiniLmEmbeddings.MODEL_NAME, null, null, ROUTING_MONTHLY_REQUESTS);
        }
        SampleUseCase sample = read(folder + "use-case.json", new TypeReference<SampleUseCase>() { });
        return new UseCaseRepository.NewUseCase(useCaseKey, sample.name(), sample.description(),
                new OutputContract(1, sample.task(), List.of(), sample.outputSchema(), sample.fieldRules(),
                        sample.rubric(), sample.scorers(), null),
                sample.targetQuality(), sample.minLabelledExamples(), sample.plateauDelta(), "local",
                MiniLmEmbeddings.MODEL_NAME, null, null, sample.monthlyRequests());
    }

    /** A text as it is, a JSON object as its compact text (the form outputs are stored in); null stays null. */
    private static String textOf(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private boolean hasInteractions(long useCaseId) {
        return jdbc.sql("select exists (select 1 from interaction where use_case_id = ?)").param(useCaseId)
                .query(Boolean.class).single();
    }


    private <T> T read(String file, TypeReference<T> type) {
        try (InputStream in = new ClassPathResource(file).getInputStream()) {
            return json.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample file " + file, e);
        }
    }

    private List<JsonNode> readLines(String file) {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new ClassPathResource(file).getInputStream(), StandardCharsets.UTF_8))) {
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
