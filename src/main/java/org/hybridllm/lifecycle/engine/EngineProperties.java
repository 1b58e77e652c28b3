package org.hybridllm.lifecycle.engine;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which Zeebe engine the app talks to.
 *
 * @param engine       {@code embedded} (default): start the real Zeebe engine in this JVM;
 *                     {@code remote}: use the SDK's standard {@code camunda.client.*} settings as they are
 * @param embeddedPort port of the embedded engine's gRPC gateway
 * @param embeddedAddress the address the embedded engine's gRPC gateway listens on (default {@code 127.0.0.1}): the
 *                     gateway has no authentication, so anything but a loopback address is logged as a warning;
 *                     {@code 0.0.0.0} listens on every interface
 * @param instanceName this app instance's name, recorded with every stage it runs (several instances may share one
 *                     engine and one database); default: host name and process id
 */
@ConfigurationProperties("lifecycle")
public record EngineProperties(@DefaultValue("embedded") String engine,
                               @DefaultValue("26500") int embeddedPort,
                               @DefaultValue(EmbeddedGatewayAddress.DEFAULT) String embeddedAddress,
                               String instanceName) {

    public EngineProperties {
        if (instanceName == null || instanceName.isBlank()) {
            instanceName = hostName() + ":" + ProcessHandle.current().pid();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
