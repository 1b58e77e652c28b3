package org.hybridllm.lifecycle.api;

/** No such thing (404, {@code <type>-not-found}), e.g. {@code new NotFound("run", id)}. */
public final class NotFound extends ApiException {

    /** @param type the kind of thing, dash-separated ({@code use-case}, {@code prompt-version}) */
    public NotFound(String type, Object id) {
        super(type + "-not-found", "No " + type.replace('-', ' ') + " with id " + id + ".");
    }
}
