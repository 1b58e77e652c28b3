package org.hybridllm.lifecycle.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.camunda.client.spring.properties.CamundaClientPropertiesPostProcessor;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class EmbeddedGatewayAddressTest {

    @Test
    void theClientGoesToTheBoundAddressOrToLoopbackWhenEveryInterfaceIsListenedOn() {
        String loopback = InetAddress.getLoopbackAddress().getHostAddress().replaceAll("^(.*:.*)$", "[$1]");
        assertThat(EmbeddedGatewayAddress.clientUrl(null, 26500)).isEqualTo("http://127.0.0.1:26500");
        assertThat(EmbeddedGatewayAddress.clientUrl("127.0.0.1", 1234)).isEqualTo("http://127.0.0.1:1234");
        assertThat(EmbeddedGatewayAddress.clientUrl("192.0.2.7", 1234)).isEqualTo("http://192.0.2.7:1234");
        assertThat(EmbeddedGatewayAddress.clientUrl("0.0.0.0", 1234)).isEqualTo("http://" + loopback + ":1234");
        assertThat(EmbeddedGatewayAddress.clientUrl("::1", 1234)).isEqualTo("http://[0:0:0:0:0:0:0:1]:1234");
        assertThatThrownBy(() -> EmbeddedGatewayAddress.bindAddress("no-such-host.invalid"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifecycle.embedded-address");
    }

    /** Derived when read: properties a test's initializer adds after the post-processors ran still count. */
    @Test
    void theDerivedUrlFollowsPropertiesAddedLaterAndLetsTheCamundaPostProcessorFinish() {
        StandardEnvironment environment = new StandardEnvironment();
        ConfigurationPropertySources.attach(environment);
        new EmbeddedGatewayAddress().postProcessEnvironment(environment, new SpringApplication());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> new CamundaClientPropertiesPostProcessor(
                new DeferredLogs()).postProcessEnvironment(environment, new SpringApplication()));
        assertThat(environment.getProperty(EmbeddedGatewayAddress.URL_PROPERTY)).isEqualTo("http://127.0.0.1:26500");
        environment.getPropertySources().addFirst(new MapPropertySource("later",
                Map.of("lifecycle.embedded-port", 4242, "lifecycle.embedded-address", "192.0.2.7")));
        assertThat(environment.getProperty(EmbeddedGatewayAddress.URL_PROPERTY)).isEqualTo("http://192.0.2.7:4242");
    }
}
