package org.hybridllm.lifecycle.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;

/**
 * Where the embedded engine's gateway listens ({@code lifecycle.embedded-address}), and the address the app's own
 * Camunda client reaches it at: {@code lifecycle.embedded-gateway-url}, which application.yaml's
 * {@code camunda.client.grpc-address} refers to. The URL is derived when it is read, not when this post-processor
 * runs, so that properties added later (a test's initializer, say) count: the bind address itself, or the loopback
 * address when the engine listens on every interface ({@code 0.0.0.0}, {@code ::}).
 */
class EmbeddedGatewayAddress implements EnvironmentPostProcessor {

    static final String DEFAULT = "127.0.0.1";
    static final String URL_PROPERTY = "lifecycle.embedded-gateway-url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new DerivedUrl(environment));
    }

    /** The address to bind: a literal or a host name. */
    static InetAddress bindAddress(String configured) {
        try {
            return InetAddress.getByName(configured == null || configured.isBlank() ? DEFAULT : configured.strip());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("lifecycle.embedded-address '" + configured
                    + "' is not an address of this host: " + e.getMessage(), e);
        }
    }

    /** The URL a client on this host reaches a gateway bound to {@code configured} at. */
    static String clientUrl(String configured, int port) {
        InetAddress bound = bindAddress(configured);
        InetAddress target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        String host = target instanceof Inet6Address ? "[" + target.getHostAddress() + "]" : target.getHostAddress();
        return "http://" + host + ":" + port;
    }

    /**
     * Holds the environment in a field, not as the property source's source object: with the environment as its
     * source, Spring Boot's configuration property cache never settles (start-up hangs in the Camunda client's
     * legacy property mapping).
     */
    private static final class DerivedUrl extends EnumerablePropertySource<String> {

        private final Environment environment;

        DerivedUrl(Environment environment) {
            super("lifecycle-embedded-gateway-url", URL_PROPERTY);
            this.environment = environment;
        }

        @Override
        public String[] getPropertyNames() {
            return new String[] {URL_PROPERTY};
        }

        @Override
        public Object getProperty(String name) {
            if (!URL_PROPERTY.equals(name)) {
                return null;
            }
            String address = environment.getProperty("lifecycle.embedded-address", DEFAULT);
            int port = environment.getProperty("lifecycle.embedded-port", Integer.class, 26500);
            try {
                return clientUrl(address, port);
            } catch (IllegalArgumentException unresolvable) {
                return "http://" + address + ":" + port; // the engine's start then says what is wrong
            }
        }
    }
}
