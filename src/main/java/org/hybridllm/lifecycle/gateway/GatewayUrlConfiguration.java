package org.hybridllm.lifecycle.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.regex.Pattern;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * A gateway model's id holds a slash ({@code lifecycle/<key>}), and OpenAI clients send it encoded in the path of
 * {@code models.retrieve}: {@code GET /v1/models/lifecycle%2F<key>}. Tomcat and Spring Security refuse an encoded
 * slash anywhere by default. Tomcat passes it through undecoded (so it never becomes a path separator, and the
 * path Spring Security matches is the path Spring MVC routes), and the firewall lets it through only in that one
 * path segment; every other path keeps the strict firewall.
 */
@Configuration(proxyBeanMethods = false)
class GatewayUrlConfiguration {

    /** {@code /v1/models/<one segment>}: the only place an encoded slash is accepted. */
    private static final Pattern MODEL_ID_PATH = Pattern.compile("/v1/models/[^/]+");

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashPassedThrough() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }

    @Bean
    WebSecurityCustomizer encodedSlashInModelIdsOnly() {
        StrictHttpFirewall strict = new StrictHttpFirewall();
        StrictHttpFirewall modelIds = new StrictHttpFirewall();
        modelIds.setAllowUrlEncodedSlash(true);
        // passed through undecoded, the servlet path holds the "%2F" itself
        modelIds.setAllowUrlEncodedPercent(true);
        return web -> web.httpFirewall(new HttpFirewall() {
            @Override
            public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                return (MODEL_ID_PATH.matcher(path).matches() ? modelIds : strict).getFirewalledRequest(request);
            }

            @Override
            public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
                return strict.getFirewalledResponse(response);
            }
        });
    }
}
