package org.hybridllm.lifecycle.gateway;

import org.springframework.http.HttpStatus;

/**
 * A refusal in OpenAI's error format ({@code {"error": {"message", "type", "param", "code"}}}), so that OpenAI
 * clients raise their usual exceptions (AuthenticationError, NotFoundError, BadRequestError...).
 */
public class GatewayError extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String code;
    private final String param;

    public GatewayError(HttpStatus status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static GatewayError invalidRequest(String param, String message) {
        return new GatewayError(HttpStatus.BAD_REQUEST, "invalid_request_error", null, param, message);
    }

    public static GatewayError invalidApiKey(String message) {
        return new GatewayError(HttpStatus.UNAUTHORIZED, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static GatewayError modelNotFound(String model) {
        return new GatewayError(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or you do not have access to it. Name a use case as"
                        + " 'lifecycle/<use-case-key>' (or send the header X-Lifecycle-Use-Case).");
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
