package org.hybridllm.lifecycle;

import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import io.camunda.zeebe.protocol.record.intent.ProcessInstanceIntent;
import io.camunda.zeebe.protocol.record.value.IncidentRecordValue;
import io.camunda.zeebe.protocol.record.value.ProcessInstanceRecordValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hybridllm.lifecycle.engine.EmbeddedEngine;

/** The embedded engine's own records, read as process state: instances, elements, incidents. */
public final class EngineRecords {

    private final EmbeddedEngine engine;

    public EngineRecords(EmbeddedEngine engine) {
        this.engine = engine;
    }

    private Stream<Record<?>> events(ValueType type) {
        List<Record<?>> snapshot = new ArrayList<>();
        engine.records().getRecords().forEach(snapshot::add);
        return snapshot.stream().filter(r -> r.getRecordType() == RecordType.EVENT && r.getValueType() == type);
    }

    private Stream<Record<ProcessInstanceRecordValue>> processInstanceEvents() {
        return events(ValueType.PROCESS_INSTANCE).map(r -> {
            @SuppressWarnings("unchecked")
            Record<ProcessInstanceRecordValue> typed = (Record<ProcessInstanceRecordValue>) r;
            return typed;
        });
    }

    /** The instance and every instance it called, at any depth. */
    public Set<Long> instanceTree(long rootProcessInstanceKey) {
        Set<Long> tree = new HashSet<>(Set.of(rootProcessInstanceKey));
        List<Record<ProcessInstanceRecordValue>> all = processInstanceEvents().toList();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Record<ProcessInstanceRecordValue> r : all) {
                if (tree.contains(r.getValue().getParentProcessInstanceKey())
                        && tree.add(r.getValue().getProcessInstanceKey())) {
                    grew = true;
                }
            }
        }
        return tree;
    }

    /** Incidents raised in the instance or in any instance it called. */
    public List<IncidentRecordValue> incidents(long rootProcessInstanceKey) {
        Set<Long> tree = instanceTree(rootProcessInstanceKey);
        return events(ValueType.INCIDENT)
                .filter(r -> r.getIntent() == IncidentIntent.CREATED)
                .map(r -> (IncidentRecordValue) r.getValue())
                .filter(incident -> tree.contains(incident.getProcessInstanceKey()))
                .toList();
    }

    /** How often an element of the instance tree reached {@code intent}. */
    public long count(long rootProcessInstanceKey, String elementId, ProcessInstanceIntent intent) {
        Set<Long> tree = instanceTree(rootProcessInstanceKey);
        return processInstanceEvents()
                .filter(r -> r.getIntent() == intent && tree.contains(r.getValue().getProcessInstanceKey())
                        && r.getValue().getElementId().equals(elementId))
                .count();
    }
}
