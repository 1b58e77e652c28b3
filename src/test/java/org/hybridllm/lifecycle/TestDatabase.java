package org.hybridllm.lifecycle;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A PostgreSQL database of its own for this test JVM: a Testcontainers PostgreSQL when Docker is available,
 * otherwise a fresh database on the local server (LIFECYCLE_TEST_PG_URL, default localhost:5432), dropped when
 * the JVM exits. Either way nothing is skipped and tests never see another run's rows.
 */
public final class TestDatabase {

    public record Connection(String url, String user, String password) {
    }

    private static Connection instance;

    private TestDatabase() {
    }

    public static synchronized Connection get() {
        if (instance == null) {
            instance = dockerAvailable() ? container() : localDatabase();
        }
        return instance;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static Connection container() {
        PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:15-alpine");
        postgres.start();
        return new Connection(postgres.getJdbcUrl() + "&currentSchema=lifecycle", postgres.getUsername(),
                postgres.getPassword());
    }

    private static Connection localDatabase() {
        String adminUrl = System.getenv().getOrDefault("LIFECYCLE_TEST_PG_URL",
                "jdbc:postgresql://localhost:5432/postgres");
        String user = System.getenv().getOrDefault("LIFECYCLE_TEST_PG_USER", "postgres");
        String password = System.getenv().getOrDefault("LIFECYCLE_TEST_PG_PASSWORD", "");
        String database = "lifecycle_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(adminUrl, user, password, "create database " + database);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                execute(adminUrl, user, password, "drop database if exists " + database + " with (force)")));
        String base = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
        return new Connection(base + database + "?currentSchema=lifecycle", user, password);
    }

    private static void execute(String url, String user, String password, String sql) {
        try (java.sql.Connection c = DriverManager.getConnection(url, user, password);
             Statement statement = c.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database at " + url + ": " + e.getMessage(), e);
        }
    }
}
