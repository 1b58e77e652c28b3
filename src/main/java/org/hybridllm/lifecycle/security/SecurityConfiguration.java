package org.hybridllm.lifecycle.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.console.ConsoleErrorPages;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import java.io.IOException;

/**
 * HTTP Basic for the API, users and roles (ENGINEER, REVIEWER, ADMIN) from configuration. Who may decide a gate is
 * also checked by the approval service itself, not only here.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /** The console's own login page (console.LoginController); Spring Security handles the POST. */
    static final String LOGIN_PAGE = "/login";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(SecurityProperties properties, PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        for (SecurityProperties.User user : properties.users()) {
            if (user.password() == null || user.password().isBlank()) {
                throw new IllegalStateException("user '" + user.name() + "' has no password configured");
            }
            // an already encoded value ("{bcrypt}...") is kept; a plain one is hashed now, never stored as given
            String password = user.password().startsWith("{") ? user.password() : encoder.encode(user.password());
            users.add(User.withUsername(user.name()).password(password)
                    .roles(user.roles().toArray(String[]::new)).build());
        }
        return new InMemoryUserDetailsManager(users);
    }

    /**
     * The OpenAI-compatible gateway: applications authenticate with a gateway API key (Bearer), checked by the
     * gateway itself so that refusals come in OpenAI's error format; no session, no CSRF, no HTTP Basic.
     */
    @Bean
    @Order(0)
    SecurityFilterChain gateway(HttpSecurity http) throws Exception {
        http.securityMatcher("/v1/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .securityContext(context -> context.disable())
                .anonymous(anonymous -> anonymous.disable());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ObjectMapper json) throws Exception {
        http.securityMatcher("/api/**", "/actuator/**", "/error", "/readiness")
                .authorizeHttpRequests(auth -> auth
                        // /readiness: the readiness group on the app's port (management.endpoint.health.group)
                        .requestMatchers("/actuator/health/**", "/actuator/info", "/error", "/readiness").permitAll()
                        // webhook senders authenticate with an HMAC signature, checked by the webhook itself
                        .requestMatchers(HttpMethod.POST, "/api/webhooks/*").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/runs", "/api/runs/*/resume", "/api/runs/*/cancel",
                                "/api/runs/*/changes-addressed", "/api/use-cases", "/api/use-cases/*/prompt-versions",
                                "/api/use-cases/*/champion/rollback", "/api/feedback", "/api/feedback/batch",
                                "/api/use-cases/*/drift-checks")
                        .hasAnyRole("ENGINEER", "ADMIN")
                        .requestMatchers("/api/gateway/keys", "/api/gateway/keys/**").hasRole("ADMIN")
                        // right to erasure and retention delete personal data: ADMIN only, before any lookup
                        .requestMatchers(HttpMethod.DELETE, "/api/subjects/*").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/subjects/erasures").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.PUT, "/api/use-cases/*/retention").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/use-cases/*/retrain").hasAnyRole("ENGINEER", "ADMIN")
                        .requestMatchers(HttpMethod.PUT, "/api/gateway/routes/*", "/api/use-cases/*/monitoring")
                        .hasAnyRole("ENGINEER", "ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/approvals/*/decision").authenticated()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                // the API is stateless (HTTP Basic on every call), so there is no session for CSRF to protect
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Basic realm=\"llm-lifecycle\"");
                            writeProblem(response, json, HttpStatus.UNAUTHORIZED, "unauthenticated",
                                    "Authentication required (HTTP Basic).");
                        })
                        .accessDeniedHandler((request, response, ex) -> writeProblem(response, json,
                                HttpStatus.FORBIDDEN, "forbidden", "Your role does not allow this action.")));
        return http.build();
    }

    /**
     * The reviewer console: form login with a session, CSRF protection on every form, session cookie HttpOnly,
     * SameSite=Lax and Secure (configurable for plain-HTTP hosts other than localhost).
     */
    @Bean
    @Order(2)
    SecurityFilterChain console(HttpSecurity http,
                                ObjectProvider<ClientRegistrationRepository> oidcClients) throws Exception {
        if (oidcClients.getIfAvailable() != null) {
            // OIDC login (e.g. Keycloak / Camunda Identity) when spring.security.oauth2.client.registration.* is set
            http.oauth2Login(oidc -> oidc.loginPage(LOGIN_PAGE).defaultSuccessUrl("/console", false)
                    .userInfoEndpoint(userInfo -> userInfo.userAuthoritiesMapper(new OidcRoleMapper())));
        }
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/webjars/**", "/console.css", "/favicon.ico").permitAll()
                        // the API description is public: it says what the API accepts, not what it holds
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        // the API's rule for the same action, on the console's form
                        .requestMatchers(HttpMethod.POST, "/console/runs/*/resume").hasAnyRole("ENGINEER", "ADMIN")
                        .requestMatchers("/console/datasets/**").hasAnyRole("ENGINEER", "REVIEWER", "ADMIN")
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage(LOGIN_PAGE).defaultSuccessUrl("/console", false))
                .logout(logout -> logout.logoutSuccessUrl(LOGIN_PAGE + "?logout"))
                .exceptionHandling(e -> e.accessDeniedHandler(consoleAccessDenied()))
                .csrf(Customizer.withDefaults());
        return http.build();
    }

    private static AccessDeniedHandler consoleAccessDenied() {
        AccessDeniedHandlerImpl handler = new AccessDeniedHandlerImpl();
        handler.setErrorPage(ConsoleErrorPages.FORBIDDEN_PAGE); // an HTML page in the console's layout
        return handler;
    }

    private static void writeProblem(HttpServletResponse response, ObjectMapper json, HttpStatus status, String slug,
                                     String detail) throws IOException {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(ApiProblems.TYPE_BASE + slug));
        body.setTitle(status.getReasonPhrase());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
