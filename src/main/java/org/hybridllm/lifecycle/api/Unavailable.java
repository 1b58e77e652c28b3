package org.hybridllm.lifecycle.api;

/** Something the request needs (e.g. the process engine) did not answer; retrying later may succeed (503). */
public final class Unavailable extends ApiException {

    public Unavailable(String slug, String detail) {
        super(slug, detail);
    }
}
