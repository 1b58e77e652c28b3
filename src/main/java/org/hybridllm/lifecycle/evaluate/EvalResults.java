package org.hybridllm.lifecycle.evaluate;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Per-label metrics of recorded evaluation runs (eval_result). */
@Repository
public class EvalResults {

    private final JdbcClient jdbc;

    public EvalResults(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<ClassificationMetrics.LabelMetrics> perLabel(long evalRunId) {
        return jdbc.sql("select label, precision, recall, f1, support from eval_result where eval_run_id = ? order by label")
                .param(evalRunId)
                .query((rs, i) -> new ClassificationMetrics.LabelMetrics(rs.getString("label"),
                        rs.getDouble("precision"), rs.getDouble("recall"), rs.getDouble("f1"), rs.getInt("support")))
                .list();
    }
}
