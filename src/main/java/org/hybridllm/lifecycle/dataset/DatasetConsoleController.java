package org.hybridllm.lifecycle.dataset;

import org.hybridllm.lifecycle.api.ApiProblems;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The console's page of a dataset version: its splits, what the build removed, its leakage and its files. */
@Controller
public class DatasetConsoleController {

    private final DatasetRepository datasets;

    public DatasetConsoleController(DatasetRepository datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/console/datasets/{id}")
    public String dataset(@PathVariable long id, Model model) {
        DatasetVersion dataset = datasets.findById(id).orElseThrow(() -> ApiProblems.notFound("dataset", id));
        model.addAttribute("lineage", datasets.lineage(dataset));
        model.addAttribute("dataset", dataset);
        return "console/dataset";
    }
}
