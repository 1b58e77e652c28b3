package org.hybridllm.lifecycle.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hybridllm.lifecycle.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/** COPY text rows as PostgreSQL itself writes them, read back to the values that went in. */
class CopyTextRowTest {

    static final List<String> TEXTS = List.of("plain", "tab\there", "new\nline and\r\nwindows", "back\\slash \\N",
            "ünïcødé — 日本語 🙂", "\\", "", "trailing tab\t", "bell \u0007 vt \u000B ff \f bs \b", "N");

    @Test
    void readsWhatPostgresWritesIncludingEscapesNullsAndUtf8() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            connection.createStatement().execute("create temporary table copy_probe (id bigint, a text, b text)");
            try (PreparedStatement insert = connection.prepareStatement("insert into copy_probe values (?, ?, ?)")) {
                for (int i = 0; i < TEXTS.size(); i++) {
                    insert.setLong(1, i);
                    insert.setString(2, TEXTS.get(i));
                    insert.setString(3, i % 3 == 0 ? null : TEXTS.get(TEXTS.size() - 1 - i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            List<String[]> rows = new ArrayList<>();
            CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("copy (select id, a, b from copy_probe order by id) to stdout");
            for (byte[] row = copy.readFromCopy(); row != null; row = copy.readFromCopy()) {
                rows.add(CopyTextRow.fields(row, 3));
            }
            assertThat(rows).hasSize(TEXTS.size());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(rows.get(i)).containsExactly(String.valueOf(i), TEXTS.get(i),
                        i % 3 == 0 ? null : TEXTS.get(TEXTS.size() - 1 - i));
            }
        }
    }

    @Test
    void readsTheEscapesCopyFromAcceptsAndRefusesRowsOfTheWrongWidth() {
        assertThat(CopyTextRow.fields(bytes("\\101\\x42C\t\\N\n"), 2)).containsExactly("ABC", null);
        assertThat(Arrays.asList(CopyTextRow.fields(bytes("\t"), 2))).containsExactly("", "");
        assertThatThrownBy(() -> CopyTextRow.fields(bytes("1\t2\n"), 3)).hasMessageContaining("2 fields, 3 expected");
        assertThatThrownBy(() -> CopyTextRow.fields(bytes("1\t2\t3\n"), 2)).hasMessageContaining("more than 2");
    }

    private static byte[] bytes(String row) {
        return row.getBytes(StandardCharsets.UTF_8);
    }
}
