package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridllm.lifecycle.api.ApiException;
import org.hybridllm.lifecycle.api.ApiExceptionHandler;
import org.hybridllm.lifecycle.provider.ProviderRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The gateway's endpoints answer every failure in OpenAI's error format, not as problem details. */
@RestControllerAdvice(assignableTypes = ChatCompletionsController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class GatewayErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    private final GatewayMetrics metrics;
    /** Not the app's mapper, which leaves nulls out. */
    private final ObjectMapper wire = new ObjectMapper();

    GatewayErrorHandler(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(GatewayError.class)
    ResponseEntity<byte[]> refused(GatewayError error) {
        metrics.failed(null, error.code() == null ? error.type() : error.code());
        return body(error);
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<byte[]> unreadable(Exception e) {
        return refused(GatewayError.invalidRequest(null, "We could not parse the JSON body of your request."));
    }

    /** Refusals of the services the gateway reuses (e.g. feedback validation), in OpenAI's format. */
    @ExceptionHandler(ApiException.class)
    ResponseEntity<byte[]> invalid(ApiException e) {
        Object field = e.property("field");
        return refused(new GatewayError(ApiExceptionHandler.status(e), "invalid_request_error", null,
                field == null ? null : field.toString(), e.detail()));
    }

    /** Refusals of modules still throwing Spring's problem exceptions, in OpenAI's format. */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<byte[]> invalid(ErrorResponseException e) {
        Object field = e.getBody().getProperties() == null ? null : e.getBody().getProperties().get("field");
        return refused(new GatewayError(HttpStatus.valueOf(e.getStatusCode().value()), "invalid_request_error", null,
                field == null ? null : field.toString(), e.getBody().getDetail()));
    }

    @ExceptionHandler(ProviderRejectedException.class)
    ResponseEntity<byte[]> upstreamRefused(ProviderRejectedException e) {
        return body(new GatewayError(HttpStatus.BAD_GATEWAY, "api_error", "upstream_error", null,
                "The model behind this use case refused the call: " + e.getMessage()));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<byte[]> failed(RuntimeException e) {
        log.warn("Gateway call failed", e);
        return body(new GatewayError(HttpStatus.BAD_GATEWAY, "api_error", "upstream_error", null,
                "The model behind this use case could not answer: " + e.getMessage()));
    }

    private static Map<String, Object> errorObject(GatewayError error) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("message", error.getMessage());
        inner.put("type", error.type());
        inner.put("param", error.param());
        inner.put("code", error.code());
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("error", inner);
        return outer;
    }

    /** Written with nulls: OpenAI's error object always has its four members ({@code "param": null}). */
    private ResponseEntity<byte[]> body(GatewayError error) {
        try {
            return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON)
                    .body(wire.writeValueAsBytes(errorObject(error)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
