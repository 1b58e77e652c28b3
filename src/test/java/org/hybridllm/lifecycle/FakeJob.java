package org.hybridllm.lifecycle;

import io.camunda.client.api.response.ActivatedJob;
import java.lang.reflect.Proxy;
import java.util.Map;

/** An activated job as the engine would hand it to a worker, to re-deliver a job by hand. */
public final class FakeJob {

    private FakeJob() {
    }

    public static ActivatedJob of(String type, long key, int retries, Map<String, Object> variables) {
        return (ActivatedJob) Proxy.newProxyInstance(ActivatedJob.class.getClassLoader(),
                new Class<?>[] {ActivatedJob.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getType" -> type;
                    case "getKey" -> key;
                    case "getRetries" -> retries;
                    case "getProcessInstanceKey" -> key;
                    case "getVariablesAsMap" -> variables;
                    case "toString" -> "FakeJob[" + type + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
