package org.hybridllm.lifecycle.provider;

import org.hybridllm.lifecycle.stage.BusinessFailure;

/**
 * A provider refused the request for a reason retrying cannot fix: bad or missing credentials, no access to the
 * model, a request it rejects as invalid. Becomes BPMN error {@value #ERROR_CODE}; the run fails with this message.
 */
public class ProviderRejectedException extends RuntimeException implements BusinessFailure {

    public static final String ERROR_CODE = "PROVIDER_FAILED";

    public ProviderRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String errorCode() {
        return ERROR_CODE;
    }
}
