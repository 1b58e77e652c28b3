package org.hybridllm.lifecycle.api;

/** Bad input, naming the offending field (400, {@code invalid-request}); nothing was changed. */
public final class InvalidInput extends ApiException {

    public InvalidInput(String field, String detail) {
        super("invalid-request", detail);
        with("field", field);
    }

    /** The field as the client named it, e.g. {@code items[0].input}; may be null. */
    public String field() {
        Object field = property("field");
        return field == null ? null : field.toString();
    }
}
