package org.hybridllm.lifecycle.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionRequestTest {

    final ObjectMapper json = new ObjectMapper();

    @Test
    void aTickIsAJsonBoolean() throws Exception {
        DecisionRequest request = json.readValue("""
                {"decision": "APPROVE", "checklist": {"PRIVACY": {"ticked": true}, "CONSENT": {"ticked": false},
                 "RETENTION": {"note": "not ticked"}}}""", DecisionRequest.class);
        assertThat(request.checklist().get(ReviewChecklist.PRIVACY).ticked()).isTrue();
        assertThat(request.checklist().get(ReviewChecklist.CONSENT).ticked()).isFalse();
        assertThat(request.checklist().get(ReviewChecklist.RETENTION).ticked()).isFalse(); // absent: not ticked
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"true\"", "1", "0", "\"on\"", "null", "[true]", "{}"})
    void anythingElseIsRefusedNamingTheItem(String value) {
        assertThatThrownBy(() -> json.readValue("{\"decision\": \"APPROVE\", \"checklist\": {\"PRIVACY\": "
                + "{\"ticked\": " + value + "}}}", DecisionRequest.class))
                .isInstanceOfSatisfying(MismatchedInputException.class, e -> assertThat(e.getPath())
                        .extracting(reference -> reference.getFieldName())
                        .containsExactly("checklist", "PRIVACY", "ticked"));
    }
}
