package org.hybridllm.lifecycle.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;

/**
 * Jackson module that refuses, while binding, every string value and map key holding text PostgreSQL cannot
 * store ({@link StorableText}) with an {@link UnstorableTextException} that knows the value's path. Registered on
 * the mapper that reads request bodies ({@link StorableTextConfiguration}) and on readers of client input such as
 * the feedback stream ({@link #strict}); not on the app's shared mapper, which also reads files and rows the app
 * wrote itself.
 */
public final class StorableTextModule extends SimpleModule {

    public StorableTextModule() {
        super("storable-text");
        addDeserializer(String.class, new StorableStringDeserializer());
        addKeyDeserializer(String.class, new StorableKeyDeserializer());
    }

    /** A copy of {@code mapper} (same configuration) that refuses unstorable text. */
    public static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.copy().registerModule(new StorableTextModule());
    }

    private static final class StorableStringDeserializer extends StdScalarDeserializer<String> {

        StorableStringDeserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return checked(parser, StringDeserializer.instance.deserialize(parser, context));
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }
    }

    private static final class StorableKeyDeserializer extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            return checked(context.getParser(), key);
        }
    }

    private static String checked(JsonParser parser, String text) throws UnstorableTextException {
        int bad = StorableText.firstUnstorable(text);
        if (bad >= 0) {
            throw new UnstorableTextException(parser, text, bad);
        }
        return text;
    }
}
