package org.hybridllm.lifecycle.engine;

import io.camunda.client.api.command.ClientHttpException;
import io.camunda.client.api.command.ClientStatusException;
import io.grpc.Status;

/** What the engine's refusal of a command says, read from its status code (gRPC or REST), never from message text. */
public final class EngineRefusals {

    private EngineRefusals() {
    }

    /** Whether the engine refused because the element (e.g. the process instance) does not exist (any more). */
    public static boolean isNotFound(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientStatusException status && status.getStatusCode() == Status.Code.NOT_FOUND) {
                return true;
            }
            if (t instanceof ClientHttpException http && http.code() == 404) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the engine refused for want of capacity or did not answer in time (RESOURCE_EXHAUSTED, UNAVAILABLE,
     * DEADLINE_EXCEEDED; HTTP 429, 503, 504): worth retrying after a pause, not a fault of the command.
     */
    public static boolean isBusy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientStatusException status && (status.getStatusCode() == Status.Code.RESOURCE_EXHAUSTED
                    || status.getStatusCode() == Status.Code.UNAVAILABLE
                    || status.getStatusCode() == Status.Code.DEADLINE_EXCEEDED)) {
                return true;
            }
            if (t instanceof ClientHttpException http && (http.code() == 429 || http.code() == 503
                    || http.code() == 504)) {
                return true;
            }
        }
        return false;
    }
}
