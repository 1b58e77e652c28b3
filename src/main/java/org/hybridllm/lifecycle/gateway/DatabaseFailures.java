package org.hybridllm.lifecycle.gateway;

import java.sql.SQLException;
import java.util.Set;
import org.hybridllm.lifecycle.api.StorableText;
import org.postgresql.util.PSQLException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Tells the interaction log's failures apart: a transient one (the connection, the server's resources, a lock or
 * serialization conflict) goes away by retrying the same statement; anything else is taken to be about a row,
 * which is then found by writing the batch one row at a time.
 */
final class DatabaseFailures {

    /** SQLSTATE classes: connection exception, transaction rollback, insufficient resources, operator intervention,
     *  system error. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
    /** lock_not_available, object_in_use */
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "55006");
    private static final int MAX_REASON_CHARS = 500;

    private DatabaseFailures() {
    }

    static boolean isTransient(Throwable failure) {
        String state = sqlState(failure);
        if (state != null && state.length() == 5) {
            return TRANSIENT_CLASSES.contains(state.substring(0, 2)) || TRANSIENT_STATES.contains(state);
        }
        // no SQLSTATE (e.g. no connection could be had from the pool): Spring's classification
        return failure instanceof TransientDataAccessException || failure instanceof RecoverableDataAccessException
                || failure instanceof DataAccessResourceFailureException;
    }

    /** The SQLSTATE of the first SQLException in the cause chain, or null. */
    static String sqlState(Throwable failure) {
        SQLException sql = sqlException(failure);
        return sql == null ? null : sql.getSQLState();
    }

    /**
     * Why it failed, for the quarantine: the server's primary message (not its detail, which quotes the row's
     * values), printable and bounded.
     */
    static String reason(Throwable failure) {
        SQLException sql = sqlException(failure);
        String reason;
        if (sql instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getMessage() != null) {
            reason = psql.getServerErrorMessage().getMessage();
        } else if (sql != null) {
            reason = String.valueOf(sql.getMessage());
        } else {
            reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        reason = StorableText.printable(reason);
        return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    }

    private static SQLException sqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
