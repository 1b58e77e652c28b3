package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One question put to a judge, safely: a judge that fails or answers something unreadable gives an answer that
 * says so, never an exception, so one bad reply fails one verdict and not the evaluation.
 *
 * @param call    the call to record; {@code null} when the judge failed before replying
 * @param json    the JSON object found in the reply; {@code null} when there was none
 * @param problem why there is no usable answer; {@code null} when there is one
 */
record JudgeAnswer(JudgeCall call, JsonNode json, String problem) {

    private static final int QUOTED_REPLY = 160;

    static JudgeAnswer ask(Judge judge, String system, String user) {
        JudgeReply reply;
        try {
            reply = judge.ask(system, user);
        } catch (RuntimeException e) {
            return new JudgeAnswer(null, null, "the judge call failed: " + e.getMessage());
        }
        if (reply == null) {
            return new JudgeAnswer(null, null, "the judge gave no reply");
        }
        JudgeCall call = new JudgeCall(system, user, reply);
        Optional<JsonNode> json = JsonText.objectIn(reply.text());
        return json.map(node -> new JudgeAnswer(call, node, null))
                .orElseGet(() -> new JudgeAnswer(call, null, "the judge's answer is not a JSON object: "
                        + BaseScorer.quote(reply.text(), QUOTED_REPLY)));
    }

    /** The answer refused as unreadable, for a field that is missing or of the wrong kind. */
    JudgeAnswer unreadable(String why) {
        return new JudgeAnswer(call, json, why + ": " + BaseScorer.quote(call.reply().text(), QUOTED_REPLY));
    }

    boolean readable() {
        return problem == null;
    }

    /** A field's text, or "" when the judge gave none. */
    String text(String field) {
        JsonNode value = json == null ? null : json.get(field);
        return value == null || value.isNull() ? "" : value.isTextual() ? value.asText() : value.toString();
    }
}
