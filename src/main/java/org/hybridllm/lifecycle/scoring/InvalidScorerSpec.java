package org.hybridllm.lifecycle.scoring;

/** A scorer configuration that cannot work, naming the field at fault, e.g. {@code scorers[2].pattern}. */
public class InvalidScorerSpec extends RuntimeException {

    private final String field;
    private final String reason;

    public InvalidScorerSpec(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    /** The message without the field name. */
    public String reason() {
        return reason;
    }
}
