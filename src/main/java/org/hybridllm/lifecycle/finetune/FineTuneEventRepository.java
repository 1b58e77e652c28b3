package org.hybridllm.lifecycle.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** fine_tune_event: provider events and the loss curve, written as trainers report them (autocommit). */
@Repository
public class FineTuneEventRepository implements FineTuneEventSink {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public FineTuneEventRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void record(String fineTuner, String externalId, FineTuneEvent event) {
        jdbc.sql("""
                        insert into fine_tune_event (provider, external_id, event_key, level, message, step, train_loss,
                                                     eval_loss, data)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                        on conflict (provider, external_id, event_key) do nothing""")
                .params(fineTuner, externalId, event.eventKey(), event.level(), event.message(), event.step(),
                        event.trainLoss(), event.evalLoss(),
                        Jsonb.write(json, event.data() == null ? Map.of() : event.data()))
                .update();
    }

    public List<FineTuneEvent> events(String fineTuner, String externalId) {
        return jdbc.sql("""
                        select event_key, level, message, step, train_loss, eval_loss from fine_tune_event
                        where provider = ? and external_id = ? order by id""")
                .params(fineTuner, externalId)
                .query((rs, i) -> new FineTuneEvent(rs.getString("event_key"), rs.getString("level"),
                        rs.getString("message"), (Integer) rs.getObject("step"),
                        (Double) rs.getObject("train_loss"), (Double) rs.getObject("eval_loss"), null))
                .list();
    }
}
