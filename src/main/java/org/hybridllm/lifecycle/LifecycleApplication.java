package org.hybridllm.lifecycle;

import io.camunda.client.annotation.Deployment;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs the hybrid LLM lifecycle as BPMN processes on Camunda 8, tracking everything in PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Deployment(resources = {"classpath*:/bpmn/**/*.bpmn", "classpath*:/bpmn/**/*.dmn", "classpath*:/bpmn/**/*.form"})
public class LifecycleApplication {

    public static void main(String[] args) {
        SpringApplication.run(LifecycleApplication.class, args);
    }
}
