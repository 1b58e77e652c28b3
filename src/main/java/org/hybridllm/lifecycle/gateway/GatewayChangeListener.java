package org.hybridllm.lifecycle.gateway;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import java.time.Duration;

/**
 * Keeps every app instance's gateway caches current: Postgres notifies channel {@code lifecycle_gateway} at the
 * commit of any change to API keys, routes or model aliases (triggers in V9), and this drops the caches. While
 * the connection is down the caches are dropped on every attempt, so nothing stale is served for long.
 */
@Component
class GatewayChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayChangeListener.class);
    static final String CHANNEL = "lifecycle_gateway";
    private static final int POLL_MILLIS = 500;

    private final DataSource dataSource;
    private final ApiKeys keys;
    private final GatewayRoutes routes;
    private volatile boolean running;
    private Thread thread;

    GatewayChangeListener(DataSource dataSource, ApiKeys keys, GatewayRoutes routes) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.routes = routes;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = Thread.ofVirtual().name("gateway-change-listener").start(this::listen);
    }

    /** Not interrupted (that would break its pooled connection): it sees the flag within a poll and returns it. */
    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(Duration.ofMillis(3 * POLL_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + CHANNEL);
                }
                invalidate(); // whatever changed while not listening
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        invalidate();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                invalidate();
                log.warn("Gateway change listener lost its connection ({}); retrying in a second", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void invalidate() {
        keys.invalidate();
        routes.invalidate();
    }
}
