package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Erased rows out of the evaluations that ran on them (right to erasure, retention): an evaluation on a dataset's
 * test split keeps, per example, the input, the ideal and the model's answer, the scorers' explanations and the
 * judge's prompts; the provider calls keep what was sent. Where the example was one of the removed rows, all that
 * text becomes {@value #ERASED}. What the gate reads stays: passed, value, each verdict's type and structural
 * outcomes, and a classification's labels (a label is not personal data, and the gate stratifies by it).
 */
@Component
public class EvaluationErasure {

    public static final String ERASED = "[erased]";

    /** Verdict keys kept as they are: names and outcomes, no text taken from an example. */
    private static final Set<String> STRUCTURAL = Set.of("scorer", "type", "value", "passed", "outcome", "name",
            "pass", "score", "weight", "preferred", "winner", "position", "order");

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public EvaluationErasure(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Redacts the examples (and their provider calls) of every evaluation on the dataset version's test split
     * whose input is one of these texts; runs in the caller's transaction. Returns how many examples it redacted.
     */
    public int redactTestSplitExamples(long datasetVersionId, Collection<String> inputs) {
        if (inputs.isEmpty()) {
            return 0;
        }
        String evalSet = Evaluator.testSplit(datasetVersionId);
        String[] texts = inputs.toArray(String[]::new);
        record Example(long id, String task, String verdicts) {
        }
        List<Example> examples = jdbc.sql("""
                        select e.id, r.task, e.verdicts::text from eval_example_result e
                        join eval_run r on r.id = e.eval_run_id
                        where r.eval_set = ? and e.input = any(?) order by e.id for update of e""")
                .params(evalSet, texts)
                .query((rs, i) -> new Example(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        for (Example example : examples) {
            boolean labels = example.task().equals("CLASSIFICATION");
            jdbc.sql("""
                            update eval_example_result
                               set input = ?,
                                   expected = case when expected is null or ? then expected else ? end,
                                   output = case when output is null or ? then output else ? end,
                                   verdicts = ?::jsonb
                             where id = ?""")
                    .params(ERASED, labels, ERASED, labels, ERASED, redactedVerdicts(example.verdicts()),
                            example.id())
                    .update();
        }
        // what the provider was sent: the example's input, or a judge's prompt that quotes it
        jdbc.sql("""
                        update model_call m set input = ?, output = case when m.output is null then null else ? end
                          from eval_run r
                         where r.id = m.eval_run_id and r.eval_set = ? and m.input <> ?
                           and (m.input = any(?) or (m.purpose = 'JUDGE'
                                and exists (select 1 from unnest(?::text[]) t where strpos(m.input, t) > 0)))""")
                .params(ERASED, ERASED, evalSet, ERASED, texts, texts).update();
        return examples.size();
    }

    private String redactedVerdicts(String verdicts) {
        try {
            return json.writeValueAsString(redact(json.readTree(verdicts), null));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable verdicts of an evaluation example", e);
        }
    }

    /** Text under a non-structural key becomes the marker; judge calls go; numbers, booleans and shape stay. */
    private JsonNode redact(JsonNode node, String key) {
        if (node.isObject()) {
            ObjectNode copy = json.createObjectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getKey().equals("judgeCalls")) {
                    copy.set(field.getKey(), redact(field.getValue(), field.getKey()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = json.createArrayNode();
            node.forEach(element -> copy.add(redact(element, key)));
            return copy;
        }
        if (node.isTextual() && (key == null || !STRUCTURAL.contains(key))) {
            return TextNode.valueOf(ERASED);
        }
        return node;
    }
}
