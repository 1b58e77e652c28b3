package org.hybridllm.lifecycle.api;

/** The request clashes with the current state, e.g. a run that is not interrupted being resumed (409). */
public final class Conflict extends ApiException {

    public Conflict(String slug, String detail) {
        super(slug, detail);
    }
}
