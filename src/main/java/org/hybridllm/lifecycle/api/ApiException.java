package org.hybridllm.lifecycle.api;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal a service or controller throws; {@link ApiExceptionHandler} maps each kind to its RFC 9457 problem
 * (status, {@code type} from the slug, title) in one place, so services need no HTTP types. Extra problem members
 * (e.g. {@code field}, {@code line}) travel as properties.
 */
public abstract sealed class ApiException extends RuntimeException
        permits InvalidInput, NotFound, Conflict, Unavailable, Refused {

    private final String slug;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private URI instance;

    ApiException(String slug, String detail) {
        super(detail);
        this.slug = slug;
    }

    /** The last segment of the problem's {@code type} URI ({@value ApiProblems#TYPE_BASE}{@code <slug>}). */
    public String slug() {
        return slug;
    }

    public String detail() {
        return getMessage();
    }

    /** Adds a member to the problem (e.g. {@code line}); returns this exception. */
    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public Object property(String name) {
        return properties.get(name);
    }

    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    /** The problem's {@code instance}; when not set, the request's path. */
    public URI instance() {
        return instance;
    }

    public ApiException instance(URI instance) {
        this.instance = instance;
        return this;
    }
}
