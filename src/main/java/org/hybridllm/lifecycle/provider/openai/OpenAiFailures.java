package org.hybridllm.lifecycle.provider.openai;

import com.openai.errors.OpenAIServiceException;
import org.hybridllm.lifecycle.provider.ProviderRejectedException;

/**
 * Sorts provider errors: what retrying cannot fix (401, 403, 400, 404, 422) becomes a
 * {@link ProviderRejectedException}; 429, 5xx and connection errors have already been retried by the client
 * (honouring Retry-After) and are left to the stage's own backoff.
 */
final class OpenAiFailures {

    private OpenAiFailures() {
    }

    static RuntimeException classify(String provider, String operation, RuntimeException e) {
        if (e instanceof OpenAIServiceException service) {
            int status = service.statusCode();
            if (status == 401 || status == 403) {
                return new ProviderRejectedException("Provider '" + provider + "' refused the credentials (HTTP "
                        + status + ") for " + operation + ": check its api-key (" + message(service) + ")", e);
            }
            if (status == 400 || status == 404 || status == 422) {
                return new ProviderRejectedException("Provider '" + provider + "' rejected " + operation + " (HTTP "
                        + status + "): " + message(service), e);
            }
        }
        return e;
    }

    private static String message(OpenAIServiceException e) {
        String message = e.getMessage();
        return message == null ? "no message" : message.length() > 300 ? message.substring(0, 300) : message;
    }
}
