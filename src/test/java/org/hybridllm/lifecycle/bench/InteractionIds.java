package org.hybridllm.lifecycle.bench;

import java.sql.Connection;
import java.sql.SQLException;

/** Interaction ids taken from the table's own sequence, so that rows COPYed in keep the feedback rows' links. */
final class InteractionIds {

    private InteractionIds() {
    }

    static long[] next(Connection connection, int count) throws SQLException {
        long[] ids = new long[count];
        try (var select = connection.prepareStatement(
                "select nextval('interaction_id_seq') from generate_series(1, ?)")) {
            select.setInt(1, count);
            try (var rs = select.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
        }
        return ids;
    }
}
