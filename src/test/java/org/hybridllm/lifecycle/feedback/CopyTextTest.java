package org.hybridllm.lifecycle.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.hybridllm.lifecycle.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** Values written in COPY's text format are what PostgreSQL stores: escapes, nulls, numbers and UTF-8. */
class CopyTextTest {

    @Test
    void postgresStoresExactlyTheValuesWritten() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        List<String> texts = CopyTextRowTest.TEXTS;
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            connection.createStatement().execute("create temporary table copy_in_probe (id bigint, a text, b text, "
                    + "r smallint)");
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                rows.append(i).append('\t');
                CopyText.append(rows, texts.get(i)).append('\t');
                CopyText.append(rows, i % 3 == 0 ? null : texts.get(texts.size() - 1 - i)).append('\t');
                CopyText.append(rows, i % 2 == 0 ? (Object) (short) -1 : null).append('\n');
            }
            long copied = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("copy copy_in_probe (id, a, b, r) from stdin", CopyText.utf8(rows));
            assertThat(copied).isEqualTo(texts.size());
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            List<Integer> r = new ArrayList<>();
            try (ResultSet rs = connection.createStatement()
                    .executeQuery("select a, b, r from copy_in_probe order by id")) {
                while (rs.next()) {
                    a.add(rs.getString(1));
                    b.add(rs.getString(2));
                    r.add(rs.getObject(3) == null ? null : rs.getInt(3));
                }
            }
            assertThat(a).isEqualTo(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(b.get(i)).isEqualTo(i % 3 == 0 ? null : texts.get(texts.size() - 1 - i));
                assertThat(r.get(i)).isEqualTo(i % 2 == 0 ? Integer.valueOf(-1) : null);
            }
        }
    }
}
