package org.hybridllm.lifecycle.monitor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The console's monitoring page of a use case: its signals over time, the last check, and the runs checks started. */
@Controller
public class MonitorConsoleController {

    private static final int CHECKS_CHARTED = 100;

    private final DriftCheckRepository checks;
    private final MonitorController api;
    private final UseCaseRepository useCases;

    MonitorConsoleController(DriftCheckRepository checks, MonitorController api, UseCaseRepository useCases) {
        this.checks = checks;
        this.api = api;
        this.useCases = useCases;
    }

    @GetMapping("/console/use-cases/{key}/monitoring")
    public String monitoring(@PathVariable String key, Model model) {
        UseCase useCase = useCases.require(key);
        List<DriftCheck> recent = checks.list(useCase.id(), CHECKS_CHARTED, 0);
        model.addAttribute("useCase", useCase);
        model.addAttribute("monitoring", api.monitoring(key));
        model.addAttribute("checks", recent.subList(0, Math.min(20, recent.size())));
        model.addAttribute("started", recent.stream().filter(c -> c.runId() != null).toList());
        model.addAttribute("chart", chart(recent));
        return "console/monitoring";
    }

    /** Oldest first: per signal, its value at each check (null where it had none), and whether it tripped. */
    static Map<String, Object> chart(List<DriftCheck> newestFirst) {
        List<DriftCheck> checks = new ArrayList<>(newestFirst);
        Collections.reverse(checks);
        List<String> labels = checks.stream().map(c -> c.windowEnd().toString()).toList();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, List<Double>> thresholds = new LinkedHashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            for (Signal signal : checks.get(i).signals()) {
                if (signal.value() == null) {
                    continue;
                }
                int index = i;
                values.computeIfAbsent(signal.name(), n -> nulls(checks.size())).set(index, signal.value());
                thresholds.computeIfAbsent(signal.name(), n -> nulls(checks.size())).set(index, signal.threshold());
            }
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("labels", labels);
        chart.put("values", values);
        chart.put("thresholds", thresholds);
        chart.put("tripped", checks.stream().map(DriftCheck::tripped).toList());
        return chart;
    }

    private static List<Double> nulls(int size) {
        List<Double> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(null);
        }
        return list;
    }
}
