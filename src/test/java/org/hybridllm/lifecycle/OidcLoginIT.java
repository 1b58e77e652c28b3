package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** With an OIDC client registered by configuration, the console offers OIDC login and redirects to the issuer. */
class OidcLoginIT {

    @Test
    void aConfiguredOidcProviderIsOfferedAndLoginRedirectsToIt() throws Exception {
        String issuer = "http://localhost:18080/realms/lifecycle/protocol/openid-connect";
        try (ConfigurableApplicationContext app = TestEnvironment.startApp(
                "spring.security.oauth2.client.registration.keycloak.client-id=llm-lifecycle",
                "spring.security.oauth2.client.registration.keycloak.client-secret=test-secret",
                "spring.security.oauth2.client.registration.keycloak.scope=openid,profile,roles",
                "spring.security.oauth2.client.registration.keycloak.authorization-grant-type=authorization_code",
                "spring.security.oauth2.client.registration.keycloak.redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
                "spring.security.oauth2.client.provider.keycloak.authorization-uri=" + issuer + "/auth",
                "spring.security.oauth2.client.provider.keycloak.token-uri=" + issuer + "/token",
                "spring.security.oauth2.client.provider.keycloak.jwk-set-uri=" + issuer + "/certs",
                "spring.security.oauth2.client.provider.keycloak.user-name-attribute=preferred_username",
                "lifecycle.sample-data.enabled=false")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            String loginPage = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(loginPage).contains("/oauth2/authorization/keycloak").contains("name=\"username\"");

            HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/oauth2/authorization/keycloak")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(redirect.statusCode()).isEqualTo(302);
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(issuer + "/auth?").contains("client_id=llm-lifecycle")
                    .contains("scope=openid").contains("state=");
        }
    }
}
