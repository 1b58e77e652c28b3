package org.hybridllm.lifecycle.api;

import org.springframework.http.HttpStatus;

/**
 * A protocol-level refusal with a status of its own (401, 413, 422...), for controllers whose contract names one,
 * such as the webhook's; services throw the other kinds.
 */
public final class Refused extends ApiException {

    private final HttpStatus status;
    private final String title;

    public Refused(HttpStatus status, String slug, String title, String detail) {
        super(slug, detail);
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
