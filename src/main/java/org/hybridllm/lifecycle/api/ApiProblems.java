package org.hybridllm.lifecycle.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * RFC 9457 problem details with stable type URIs ({@code https://hybridllm.org/problems/<slug>}), thrown as
 * exceptions and rendered by Spring MVC's problem-details support. Services of the gateway, feedback, webhook and
 * run modules throw {@link ApiException}s instead (mapped in {@link ApiExceptionHandler}); the other modules still
 * use these until they move over.
 */
public final class ApiProblems {

    public static final String TYPE_BASE = "https://hybridllm.org/problems/";

    private ApiProblems() {
    }

    public static ErrorResponseException notFound(String what, Object id) {
        return problem(HttpStatus.NOT_FOUND, what + "-not-found", "Not found",
                "No " + what.replace('-', ' ') + " with id " + id + ".");
    }

    public static ErrorResponseException forbidden(String slug, String detail) {
        return problem(HttpStatus.FORBIDDEN, slug, "Forbidden", detail);
    }

    public static ErrorResponseException conflict(String slug, String detail) {
        return problem(HttpStatus.CONFLICT, slug, "Conflict", detail);
    }

    /** Bad input, naming the offending field. */
    public static ErrorResponseException invalid(String field, String detail) {
        ErrorResponseException e = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        e.getBody().setProperty("field", field);
        return e;
    }

    public static ErrorResponseException unavailable(String slug, String detail) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, slug, "Service unavailable", detail);
    }

    public static ErrorResponseException problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_BASE + slug));
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }
}
