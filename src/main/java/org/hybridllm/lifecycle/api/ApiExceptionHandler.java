package org.hybridllm.lifecycle.api;

import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Locale;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.bind.MissingServletRequestParameterException;

/**
 * Every API error as RFC 9457 problem details with a stable type; never a stack trace. The one place where the
 * refusals services throw ({@link ApiException}: {@link InvalidInput}, {@link NotFound}, {@link Conflict},
 * {@link Unavailable}, {@link Refused}) become problems ({@link #toProblem}).
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    /** SQLSTATEs of text PostgreSQL refused: character_not_in_repertoire (e.g. 0x00), untranslatable_character. */
    private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

    /** The status an {@link ApiException} is answered with. */
    public static HttpStatus status(ApiException e) {
        return switch (e) {
            case InvalidInput invalid -> HttpStatus.BAD_REQUEST;
            case NotFound notFound -> HttpStatus.NOT_FOUND;
            case Conflict conflict -> HttpStatus.CONFLICT;
            case Unavailable unavailable -> HttpStatus.SERVICE_UNAVAILABLE;
            case Refused refused -> refused.status();
        };
    }

    /** The problem an {@link ApiException} is answered with (also recorded as a webhook's answer). */
    public static ProblemDetail toProblem(ApiException e) {
        HttpStatus status = status(e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, e.detail());
        body.setType(URI.create(ApiProblems.TYPE_BASE + e.slug()));
        body.setTitle(switch (e) {
            case InvalidInput invalid -> "Invalid request";
            case NotFound notFound -> "Not found";
            case Conflict conflict -> "Conflict";
            case Unavailable unavailable -> "Service unavailable";
            case Refused refused -> refused.title();
        });
        e.properties().forEach(body::setProperty);
        if (e.instance() != null) {
            body.setInstance(e.instance());
        }
        return body;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e, HttpServletRequest request) {
        ProblemDetail body = withInstance(toProblem(e), request);
        return ResponseEntity.status(body.getStatus()).body(body);
    }

    /**
     * Sets the problem's {@code instance} to the request's path, percent-encoding what a URI cannot hold. Spring
     * MVC would otherwise set it with {@code URI.create} of the raw path, which throws (a 500 in place of the
     * problem) for a path holding e.g. {@code {}, |, "} or a space, as clients send them to path variables.
     */
    static ProblemDetail withInstance(ProblemDetail problem, HttpServletRequest request) {
        if (problem.getInstance() == null && request != null && request.getRequestURI() != null) {
            problem.setInstance(safeUri(request.getRequestURI()));
        }
        return problem;
    }

    private static ProblemDetail withInstance(ProblemDetail problem, WebRequest request) {
        return request instanceof ServletWebRequest servlet ? withInstance(problem, servlet.getRequest()) : problem;
    }

    /** The path as a URI: characters a URI path may not hold (and malformed escapes) percent-encoded. */
    static URI safeUri(String rawPath) {
        try {
            return URI.create(rawPath);
        } catch (IllegalArgumentException notAUri) {
            StringBuilder encoded = new StringBuilder(rawPath.length() + 16);
            for (byte b : rawPath.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                boolean allowed = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0);
                encoded.append(allowed ? String.valueOf((char) c) : String.format("%%%02X", c));
            }
            return URI.create(encoded.toString());
        }
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage())))
                .toList();
        ProblemDetail body = invalid(errors.isEmpty() ? "The request is invalid."
                : errors.get(0).get("field") + ": " + errors.get(0).get("message"));
        body.setProperty("field", errors.isEmpty() ? null : errors.get(0).get("field"));
        body.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(withInstance(body, request));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        String detail = "The request body is not valid JSON for this endpoint";
        UnstorableTextException unstorable = cause(ex, UnstorableTextException.class);
        if (unstorable != null) {
            ProblemDetail body = toProblem(unstorable.toInvalidInput());
            return ResponseEntity.badRequest().body(withInstance(body, request));
        }
        if (ex.getCause() instanceof InvalidFormatException format
                && !format.getPath().isEmpty()) {
            String field = format.getPath().get(format.getPath().size() - 1).getFieldName();
            ProblemDetail body = invalid("Field '" + field + "' has an invalid value: " + format.getValue());
            body.setProperty("field", field);
            return ResponseEntity.badRequest().body(withInstance(body, request));
        }
        // a value of the wrong JSON type (a text where a list belongs, an object where a number does)
        if (ex.getCause() instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            String field = path(mismatched.getPath());
            ProblemDetail body = invalid("Field '" + field + "' has the wrong type"
                    + (mismatched.getTargetType() == null ? "." : ": expected "
                    + mismatched.getTargetType().getSimpleName() + "."));
            body.setProperty("field", field);
            return ResponseEntity.badRequest().body(withInstance(body, request));
        }
        return ResponseEntity.badRequest().body(withInstance(invalid(detail + "."), request));
    }

    /** A binding path as clients name fields: {@code evalExamples[0].input}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * Spring MVC's own errors (404 no such path, 405, 406, 415, missing parameter...) come as problem details of
     * type about:blank; give them a stable type too.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail problem && URI.create("about:blank").equals(problem.getType())) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String slug = status == null ? "http-" + statusCode.value()
                    : status.name().toLowerCase(Locale.ROOT).replace('_', '-');
            problem.setType(URI.create(ApiProblems.TYPE_BASE + slug));
        }
        if (body instanceof ProblemDetail problem) {
            withInstance(problem, request);
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail body = invalid("Parameter '" + ex.getParameterName() + "' is required.");
        body.setProperty("field", ex.getParameterName());
        return ResponseEntity.badRequest().body(withInstance(body, request));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex, HttpServletRequest request) {
        ProblemDetail body = invalid("Parameter '" + ex.getName() + "' has an invalid value: "
                + StorableText.printable(String.valueOf(ex.getValue())));
        body.setProperty("field", ex.getName());
        return ResponseEntity.badRequest().body(withInstance(body, request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) throws Exception {
        if (ex instanceof AccessDeniedException
                || ex instanceof AuthenticationException) {
            throw ex; // Spring Security answers these (401 / 403)
        }
        if (cause(ex, SQLTransientConnectionException.class) != null) {
            // the pool had no connection free in time: the app is overloaded, not broken; the client may retry
            log.warn("No database connection free in time for {} {}", request.getMethod(), request.getRequestURI());
            ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The database is busy; retry in a moment.");
            body.setType(URI.create(ApiProblems.TYPE_BASE + "database-busy"));
            body.setTitle("Service unavailable");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                    .body(withInstance(body, request));
        }
        SQLException refusedText = cause(ex, SQLException.class);
        if (refusedText != null && refusedText.getSQLState() != null
                && UNSTORABLE_TEXT.contains(refusedText.getSQLState())) {
            // input that reached the database without being checked (e.g. a query parameter): still the client's
            log.warn("The database refused text from a request: {}", refusedText.getMessage());
            return ResponseEntity.badRequest().body(withInstance(invalid("The request holds text that cannot be "
                    + "stored (U+0000 or an unpaired surrogate); remove or replace it."), request));
        }
        log.error("Unexpected error", ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged.");
        body.setType(URI.create(ApiProblems.TYPE_BASE + "internal-error"));
        body.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(withInstance(body, request));
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static ProblemDetail invalid(String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        body.setType(URI.create(ApiProblems.TYPE_BASE + "invalid-request"));
        body.setTitle("Invalid request");
        return body;
    }
}
