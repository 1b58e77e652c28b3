package org.hybridllm.lifecycle.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.StorableText;
import org.hybridllm.lifecycle.api.StorableTextModule;
import org.hybridllm.lifecycle.api.UnstorableTextException;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Takes feedback in, one item or a stream of them, all or nothing: every item is checked before it is written,
 * a bad item (naming its line and field) rolls the whole request back. A stream is read line by line and written
 * in chunks, so a batch of any size is never held in memory. Refusals are {@link InvalidInput}s naming the field;
 * text PostgreSQL cannot store (U+0000, an unpaired surrogate) is refused like any other bad value.
 */
@Service
public class FeedbackIngest {

    static final int CHUNK = 1000;
    static final int MAX_LINE_BYTES = 1 << 20;
    static final int MAX_TEXT_CHARS = 100_000;

    public record Ingested(long items, long interactionsCreated, long feedbackCreated, Long interactionId,
                           Long feedbackId) {
    }

    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final FeedbackWriter writer;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final ObjectReader itemReader;

    public FeedbackIngest(UseCaseRepository useCases, PromptVersionRepository prompts, FeedbackWriter writer,
                          TransactionTemplate transaction, AuditLog audit, ObjectMapper json) {
        this.useCases = useCases;
        this.prompts = prompts;
        this.writer = writer;
        this.transaction = transaction;
        this.audit = audit;
        // strict: a misspelt field ("raiting") is an error, not silently ignored feedback; so is unstorable text
        this.itemReader = StorableTextModule.strict(json).readerFor(FeedbackItem.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** One item; answers with the ids of the interaction and feedback rows. */
    public Ingested ingestOne(FeedbackItem item, String user) {
        Context context = new Context();
        FeedbackWriter.Row row = check(item, context);
        return transaction.execute(status -> {
            FeedbackWriter.Written written = writer.write(List.of(row), user);
            audit.record(user, "FEEDBACK_INGESTED", "feedback", written.lastFeedbackId(), null,
                    Map.of("items", 1, "interactionsCreated", written.interactionsCreated()));
            return new Ingested(1, written.interactionsCreated(), 1, written.lastInteractionId(),
                    written.lastFeedbackId());
        });
    }

    /** Items checked and ready to write; see {@link #prepare}. */
    public record Prepared(List<FeedbackWriter.Row> rows) {
    }

    /**
     * Checks items already parsed (a webhook's batch) without writing anything; a bad item is a 400 whose field is
     * {@code fieldPrefix[index].field}.
     */
    public Prepared prepare(List<FeedbackItem> items, String fieldPrefix) {
        Context context = new Context();
        List<FeedbackWriter.Row> rows = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                rows.add(check(items.get(i), context));
            } catch (InvalidInput bad) {
                throw prefixed(bad, fieldPrefix + "[" + i + "]", "Item " + i);
            }
        }
        return new Prepared(rows);
    }

    /** Writes prepared items all or nothing (joining the caller's transaction, if any). */
    public Ingested write(Prepared prepared, String user) {
        List<FeedbackWriter.Row> rows = prepared.rows();
        return transaction.execute(status -> {
            long created = 0;
            for (int from = 0; from < rows.size(); from += CHUNK) {
                created += writer.write(rows.subList(from, Math.min(rows.size(), from + CHUNK)), user)
                        .interactionsCreated();
            }
            audit.record(user, "FEEDBACK_INGESTED", "feedback", null, null,
                    Map.of("items", rows.size(), "interactionsCreated", created));
            return new Ingested(rows.size(), created, rows.size(), null, null);
        });
    }

    /** Parses one item strictly (unknown fields are errors), as the NDJSON stream does. */
    public FeedbackItem parse(JsonNode node) {
        try {
            return itemReader.readValue(node);
        } catch (UnstorableTextException e) {
            throw e.toInvalidInput();
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidInput(e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'.");
        } catch (IOException e) {
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().get(m.getPath().size() - 1).getFieldName() : null;
            throw new InvalidInput(field == null ? "body" : field, field == null ? "Not a feedback object."
                    : "Field '" + field + "' has an invalid value.");
        }
    }

    /** NDJSON, one item per line (blank lines are skipped), streamed. */
    public Ingested ingestNdjson(InputStream body, String user) {
        return transaction.execute(status -> {
            Context context = new Context();
            List<FeedbackWriter.Row> chunk = new ArrayList<>(CHUNK);
            long items = 0;
            long created = 0;
            long lineNumber = 0;
            try (InputStream in = body) {
                NdjsonLines lines = new NdjsonLines(in, MAX_LINE_BYTES);
                while (lines.next()) {
                    if (lines.blank()) {
                        continue;
                    }
                    try {
                        chunk.add(check(parse(lines.array(), lines.offset(), lines.length()), context));
                    } catch (InvalidInput bad) {
                        throw prefixed(bad, null, "Line " + lines.lineNumber());
                    }
                    items++;
                    if (chunk.size() == CHUNK) {
                        created += writer.write(chunk, user).interactionsCreated();
                        chunk.clear();
                    }
                }
            } catch (NdjsonLines.TooLong tooLong) {
                throw new InvalidInput("body", "Line " + tooLong.lineNumber + " is longer than " + MAX_LINE_BYTES
                        + " bytes.").with("line", tooLong.lineNumber);
            } catch (IOException e) {
                throw new InvalidInput("body", "The request body could not be read: " + e.getMessage());
            }
            if (!chunk.isEmpty()) {
                created += writer.write(chunk, user).interactionsCreated();
            }
            if (items == 0) {
                throw new InvalidInput("body", "The body holds no feedback lines.");
            }
            audit.record(user, "FEEDBACK_INGESTED", "feedback", null, null,
                    Map.of("items", items, "interactionsCreated", created, "format", "ndjson"));
            return new Ingested(items, created, items, null, null);
        });
    }

    private FeedbackItem parse(byte[] line, int offset, int length) {
        try {
            FeedbackItem item = itemReader.readValue(line, offset, length);
            if (item == null) {
                throw new InvalidInput("body", "Expected a JSON object.");
            }
            return item;
        } catch (UnstorableTextException e) {
            throw e.toInvalidInput();
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidInput(e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'.");
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            if (field == null) {
                throw new InvalidInput("body", "Not a feedback object: " + e.getOriginalMessage());
            }
            throw new InvalidInput(field, "Field '" + field + "' has an invalid value.");
        } catch (JsonProcessingException e) {
            throw new InvalidInput("body", "Not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInput("body", "Not a JSON object: " + e.getMessage());
        }
    }

    /** Checks one item against its use case; cached lookups keep a long stream to one query per use case. */
    private FeedbackWriter.Row check(FeedbackItem item, Context context) {
        // items built in code (the gateway's feedback) were not bound by the strict reader
        StorableText.require("useCase", item.useCase());
        StorableText.require("externalId", item.externalId());
        StorableText.require("input", item.input());
        StorableText.require("output", item.output());
        StorableText.require("subjectId", item.subjectId());
        StorableText.require("correctedOutput", item.correctedOutput());
        StorableText.require("comment", item.comment());
        if (item.useCase() == null || item.useCase().isBlank()) {
            throw new InvalidInput("useCase", "useCase is required.");
        }
        UseCase useCase = context.useCase(item.useCase());
        if (item.rating() == null && item.correctedOutput() == null && item.comment() == null) {
            throw new InvalidInput("rating", "Feedback needs a rating, a correctedOutput or a comment.");
        }
        if (item.rating() != null && item.rating() != 1 && item.rating() != -1) {
            throw new InvalidInput("rating", "rating must be 1 (good) or -1 (bad).");
        }
        if (item.correctedOutput() != null) {
            checkCorrection(useCase, item.correctedOutput(), context);
        }
        checkLength("comment", item.comment());
        Long promptVersionId = null;
        if (item.promptVersion() != null) {
            promptVersionId = context.promptVersionId(useCase, item.promptVersion());
        }
        if (item.interactionId() != null) {
            if (item.input() != null || item.output() != null || item.externalId() != null
                    || item.promptVersion() != null || item.subjectId() != null) {
                throw new InvalidInput("interactionId", "Give either interactionId (an interaction already "
                        + "recorded) or the interaction itself (input, output, ...), not both.");
            }
            if (!writer.interactionBelongsTo(item.interactionId(), useCase.id())) {
                throw new InvalidInput("interactionId", "No interaction " + item.interactionId()
                        + " in use case '" + useCase.key() + "'.");
            }
        } else {
            if (item.input() == null || item.input().isBlank()) {
                throw new InvalidInput("input", "input is required (or interactionId of a recorded interaction).");
            }
            checkLength("input", item.input());
            checkLength("output", item.output());
            if (item.externalId() != null && (item.externalId().isBlank() || item.externalId().length() > 200)) {
                throw new InvalidInput("externalId", "externalId must be 1-200 characters.");
            }
        }
        return new FeedbackWriter.Row(useCase.id(), item.interactionId(), item.externalId(), promptVersionId,
                item.subjectId(), item.input(), item.output(), item.rating(), item.correctedOutput(),
                item.comment());
    }

    /** A correction is what the use case's contract says an output is: a label, a valid JSON object, a text. */
    private static void checkCorrection(UseCase useCase, String corrected, Context context) {
        switch (useCase.task()) {
            case CLASSIFICATION -> {
                if (!useCase.labelNames().contains(corrected)) {
                    throw new InvalidInput("correctedOutput", "correctedOutput '" + corrected
                            + "' is not one of the use case's labels " + useCase.labelNames() + ".");
                }
            }
            case EXTRACTION -> {
                List<String> violations = context.schema(useCase).violations(corrected);
                if (!corrected.strip().startsWith("{") || !violations.isEmpty()) {
                    throw new InvalidInput("correctedOutput", "correctedOutput must be a JSON object that satisfies "
                            + "the use case's outputSchema: " + (violations.isEmpty() ? "not an object"
                            : String.join("; ", violations)) + ".");
                }
            }
            case GENERATION -> {
                if (corrected.isBlank()) {
                    throw new InvalidInput("correctedOutput", "correctedOutput must not be blank.");
                }
            }
        }
        checkLength("correctedOutput", corrected);
    }

    private static void checkLength(String field, String value) {
        if (value != null && value.length() > MAX_TEXT_CHARS) {
            throw new InvalidInput(field, field + " is longer than " + MAX_TEXT_CHARS + " characters.");
        }
    }

    private static InvalidInput prefixed(InvalidInput bad, String fieldPrefix, String where) {
        InvalidInput e = new InvalidInput(fieldPrefix == null ? String.valueOf(bad.field())
                : fieldPrefix + "." + bad.field(), where + ": " + bad.detail());
        if (fieldPrefix == null) {
            e.with("line", Long.parseLong(where.substring("Line ".length())));
        }
        return e;
    }

    private final class Context {
        private final Map<String, UseCase> useCasesByKey = new HashMap<>();
        private final Map<Long, Map<Integer, Long>> promptVersionIds = new HashMap<>();
        private final Map<Long, JsonSchemaContract> schemas = new HashMap<>();

        /** An extraction use case's schema, compiled once per ingest. */
        JsonSchemaContract schema(UseCase useCase) {
            return schemas.computeIfAbsent(useCase.id(), id -> JsonSchemaContract.of(useCase.contract().outputSchema()));
        }

        UseCase useCase(String key) {
            UseCase useCase = useCasesByKey.computeIfAbsent(key, k -> useCases.findByKey(k).orElse(null));
            if (useCase == null) {
                throw new InvalidInput("useCase", "Unknown use case '" + key + "'.");
            }
            return useCase;
        }

        long promptVersionId(UseCase useCase, int version) {
            Long id = promptVersionIds.computeIfAbsent(useCase.id(), k -> {
                Map<Integer, Long> ids = new HashMap<>();
                for (PromptVersion v : prompts.findByUseCase(k)) {
                    ids.put(v.version(), v.id());
                }
                return ids;
            }).get(version);
            if (id == null) {
                throw new InvalidInput("promptVersion", "Use case '" + useCase.key() + "' has no prompt version "
                        + version + ".");
            }
            return id;
        }
    }
}
