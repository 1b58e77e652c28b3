package org.hybridllm.lifecycle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;

class ApiExceptionHandlerTest {

    @Test
    void aProblemsInstanceIsAUriWhateverThePathHolds() {
        assertThat(ApiExceptionHandler.safeUri("/api/gateway/keys/12/revoke"))
                .isEqualTo(URI.create("/api/gateway/keys/12/revoke"));
        assertThat(ApiExceptionHandler.safeUri("/api/runs/a%00b")).isEqualTo(URI.create("/api/runs/a%00b"));
        // what URI.create refuses ("Illegal character in path", a 500 in place of the problem)
        for (String path : new String[] {"/api/gateway/keys/{id}/revoke", "/a/[1]", "/a/b|c", "/a b", "/a/%zz"}) {
            assertThatThrownBy(() -> URI.create(path)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ApiExceptionHandler.safeUri("/api/gateway/keys/{id}/revoke"))
                .hasToString("/api/gateway/keys/%7Bid%7D/revoke");
        assertThat(ApiExceptionHandler.safeUri("/a/[1]")).hasToString("/a/%5B1%5D");
        assertThat(ApiExceptionHandler.safeUri("/a b|é")).hasToString("/a%20b%7C%C3%A9");
        assertThat(ApiExceptionHandler.safeUri("/a/%zz")).hasToString("/a/%25zz");
    }

    /** A pool timeout has no SQLState: it was a NullPointerException and a 500; it is the app being busy. */
    @Test
    void noConnectionFreeInTimeIsABusyAppNotAnError() throws Exception {
        var answer = new ApiExceptionHandler().unexpected(new CannotGetJdbcConnectionException("Failed to obtain "
                        + "JDBC Connection", new SQLTransientConnectionException("HikariPool-1 - Connection is not "
                        + "available, request timed out after 30000ms")),
                new MockHttpServletRequest("POST", "/api/webhooks/ci"));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(answer.getBody().getType()).hasToString(ApiProblems.TYPE_BASE + "database-busy");
    }
}
