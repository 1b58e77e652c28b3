package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled JSON Schema (draft 2020-12) output contract: checks that a schema is one, and lists an instance's
 * violations in words. Formats ({@code date}, {@code email}, ...) are asserted, not only annotated: a contract
 * that says {@code "format": "date"} means it. References are resolved offline only (no remote fetching).
 * Immutable and thread-safe.
 */
public final class JsonSchemaContract {

    // the validator speaks Jackson 3; the app speaks Jackson 2, so the two meet as JSON text
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .formatAssertionsEnabled(true)
                            .pathType(PathType.JSON_POINTER)
                            .build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private static final Schema META_SCHEMA = REGISTRY.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));

    private final JsonNode schemaNode;
    private final Schema schema;

    private JsonSchemaContract(JsonNode schemaNode, Schema schema) {
        this.schemaNode = schemaNode;
        this.schema = schema;
    }

    /** The schema, compiled; {@link IllegalArgumentException} listing {@link #problems(JsonNode)} if it is none. */
    public static JsonSchemaContract of(JsonNode schemaNode) {
        List<String> problems = new ArrayList<>();
        Schema compiled = compile(schemaNode, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a valid JSON Schema (draft 2020-12): " + String.join("; ", problems));
        }
        return new JsonSchemaContract(schemaNode, compiled);
    }

    /** Why the node is not a usable draft 2020-12 schema; empty when it is one. */
    public static List<String> problems(JsonNode schemaNode) {
        List<String> problems = new ArrayList<>();
        compile(schemaNode, problems);
        return problems;
    }

    private static Schema compile(JsonNode schemaNode, List<String> problems) {
        if (schemaNode == null || schemaNode.isMissingNode() || schemaNode.isNull()) {
            problems.add("no schema given");
            return null;
        }
        if (!schemaNode.isObject() && !schemaNode.isBoolean()) {
            problems.add("a schema is a JSON object or a boolean, not " + schemaNode.getNodeType().name().toLowerCase());
            return null;
        }
        String text = schemaNode.toString();
        for (Error error : META_SCHEMA.validate(text, InputFormat.JSON)) {
            problems.add(describe(error));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            Schema compiled = REGISTRY.getSchema(text, InputFormat.JSON);
            compiled.initializeValidators(); // resolves $ref now, so a dangling one is a problem here, not later
            return compiled;
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    public JsonNode schemaNode() {
        return schemaNode;
    }

    /** The instance's violations, each as "where: what"; empty when it satisfies the schema. */
    public List<String> violations(JsonNode instance) {
        return violations(instance == null ? "null" : instance.toString());
    }

    /**
     * The violations of a JSON text; text that is not JSON is one violation that says so.
     */
    public List<String> violations(String json) {
        try {
            JsonText.parse(json);
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + JsonText.problem(e));
        }
        List<String> violations = new ArrayList<>();
        for (Error error : schema.validate(json, InputFormat.JSON)) {
            violations.add(describe(error));
        }
        return violations;
    }

    public boolean accepts(JsonNode instance) {
        return violations(instance).isEmpty();
    }

    private static String describe(Error error) {
        String where = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        String message = error.getMessage();
        if (where.isEmpty() || message.startsWith(where)) {
            return message;
        }
        return (where.isEmpty() ? "/" : where) + ": " + message;
    }
}
