package org.hybridllm.lifecycle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorableTextTest {

    record Item(String input, String output) {
    }

    record Batch(String useCase, List<Item> items, List<String> tags, Map<String, String> meta) {
    }

    final ObjectMapper json = StorableTextModule.strict(new ObjectMapper());

    @Test
    void nulAndUnpairedSurrogatesCannotBeStoredPairsCan() {
        assertThat(StorableText.firstUnstorable("plain text, é, 日本")).isEqualTo(-1);
        assertThat(StorableText.firstUnstorable("emoji \ud83d\ude00 ok")).isEqualTo(-1);
        assertThat(StorableText.firstUnstorable("a\u0000b")).isEqualTo(1);
        assertThat(StorableText.firstUnstorable("ab\ud83d")).isEqualTo(2); // high surrogate at the end
        assertThat(StorableText.firstUnstorable("\ude00x")).isZero(); // low surrogate alone
        assertThat(StorableText.firstUnstorable("\ud83d\ud83d\ude00")).isZero(); // high followed by a pair
        assertThat(StorableText.describe("a\u0000", 1)).isEqualTo("U+0000 (NUL) at index 1");
        assertThat(StorableText.describe("\ud800", 0)).isEqualTo("an unpaired surrogate U+D800 at index 0");
        assertThat(StorableText.printable("a\u0000b\ud800\ud83d\ude00")).isEqualTo("a\\u0000b\\ud800\ud83d\ude00");
    }

    @Test
    void aBoundStringIsRefusedWithItsJsonPath() {
        assertThatThrownBy(() -> json.readValue("""
                {"useCase": "u", "items": [{"input": "ok"}, {"input": "x", "output": "a\\u0000"}]}""", Batch.class))
                .isInstanceOfSatisfying(UnstorableTextException.class, e -> {
                    assertThat(e.field()).isEqualTo("items[1].output");
                    InvalidInput invalid = e.toInvalidInput();
                    assertThat(invalid.field()).isEqualTo("items[1].output");
                    assertThat(invalid.detail()).isEqualTo("Field 'items[1].output' holds U+0000 (NUL) at index 1,"
                            + " which cannot be stored; remove or replace it.");
                });
        assertThatThrownBy(() -> json.readValue("{\"tags\": [\"a\", \"\\udc00\"]}", Batch.class))
                .isInstanceOfSatisfying(UnstorableTextException.class,
                        e -> assertThat(e.field()).isEqualTo("tags[1]"));
        assertThatThrownBy(() -> json.readValue("{\"meta\": {\"k\": \"\\u0000\"}}", Batch.class))
                .isInstanceOfSatisfying(UnstorableTextException.class,
                        e -> assertThat(e.field()).isEqualTo("meta.k"));
        assertThatThrownBy(() -> json.readValue("{\"meta\": {\"k\\u0000\": \"v\"}}", Batch.class))
                .isInstanceOfSatisfying(UnstorableTextException.class,
                        e -> assertThat(e.field()).isEqualTo("meta.k\\u0000"));
        // read from a tree (as the webhook's items are): the path is relative to the tree
        assertThatThrownBy(() -> json.readerFor(Batch.class).readValue(new ObjectMapper().readTree(
                "{\"items\": [{\"input\": \"\\ud800\"}]}")))
                .isInstanceOfSatisfying(UnstorableTextException.class,
                        e -> assertThat(e.field()).isEqualTo("items[0].input"));
        assertThatThrownBy(() -> json.readValue("{\"a\": [\"\\u0000\"]}", Object.class))
                .isInstanceOfSatisfying(UnstorableTextException.class, e -> assertThat(e.field()).isEqualTo("a[0]"));
    }

    @Test
    void storableTextBindsAsWithoutTheModule() throws Exception {
        String body = "{\"useCase\": \"u\", \"items\": [{\"input\": \"\ud83d\ude00 é\", \"output\": 12}],"
                + " \"tags\": [\"t\"], \"meta\": {\"k\": \"v\"}}";
        assertThat(json.readValue(body, Batch.class)).isEqualTo(new ObjectMapper().readValue(body, Batch.class));
    }

    @Test
    void aTreeIsCheckedValueByValueAndNameByName() throws Exception {
        assertThatThrownBy(() -> StorableText.require(new ObjectMapper().readTree("""
                {"type": "feedback.batch", "data": {"items": [{"input": "ok"}, {"comment": "bad \\u0000"}]}}""")))
                .isInstanceOfSatisfying(InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("data.items[1].comment"));
        assertThatThrownBy(() -> StorableText.require(new ObjectMapper().readTree("{\"id\": \"\\ud800\"}")))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("id"));
        assertThatThrownBy(() -> StorableText.require(new ObjectMapper().readTree("{\"data\": {\"a\\u0000\": 1}}")))
                .isInstanceOfSatisfying(InvalidInput.class,
                        e -> assertThat(e.field()).isEqualTo("data.a\\u0000"));
        StorableText.require(new ObjectMapper().readTree("{\"a\": [\"\ud83d\ude00\", 1, null, {\"b\": true}]}"));
    }
}
