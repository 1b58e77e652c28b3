package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.hamcrest.Matchers;
import org.hybridllm.lifecycle.governance.ReviewChecklist;

/** The console's policy: login, roles, four-eyes, checklist and CSRF, enforced whatever the page shows. */
@AppTest
class ConsoleSecurityIT {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestRestTemplate http;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anonymousUsersAreSentToLogin() throws Exception {
        mvc.perform(get("/console")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("**/login"));
        mvc.perform(get("/console/history")).andExpect(status().is3xxRedirection());
    }

    @Test
    void onlyAReviewerWhoDidNotStartTheRunDecidesWithACompleteChecklistAndACsrfToken() throws Exception {
        sampleData.loadInto("tickets-console-policy");
        LifecycleApi api = new LifecycleApi(http);
        UUID runId = api.startRun(LifecycleApi.ADMIN, "tickets-console-policy");
        String approvalId = api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL")
                .path("pendingApprovals").get(0).path("id").asText();

        // an engineer cannot decide
        mvc.perform(approveAll(approvalId).with(user("engineer").roles("ENGINEER")).with(csrf()))
                .andExpect(status().isForbidden())
                .andExpect(content().string(Matchers.containsString("Only users with the REVIEWER role")));
        // the requester cannot decide their own run's gate, even holding REVIEWER
        mvc.perform(approveAll(approvalId).with(user("admin").roles("ADMIN", "REVIEWER")).with(csrf()))
                .andExpect(status().isForbidden())
                .andExpect(content().string(Matchers.containsString("Four-eyes rule")));
        // an incomplete checklist is refused with a clear message
        mvc.perform(post("/console/reviews/" + approvalId + "/decision").param("decision", "APPROVE")
                        .param("item_TASK_CLARITY", "on").with(user("reviewer").roles("REVIEWER")).with(csrf()))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("every checklist item must be ticked")));
        // without a CSRF token nothing happens
        mvc.perform(approveAll(approvalId).with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isForbidden());
        assertThat(jdbc.sql("select status from approval where id = ?").param(UUID.fromString(approvalId))
                .query(String.class).single()).isEqualTo("PENDING");

        mvc.perform(approveAll(approvalId).with(user("reviewer").roles("REVIEWER")).with(csrf()))
                .andExpect(status().is3xxRedirection());
        api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "COMPLETED");
    }

    private static MockHttpServletRequestBuilder approveAll(String approvalId) {
        MockHttpServletRequestBuilder request = post("/console/reviews/" + approvalId + "/decision")
                .param("decision", "APPROVE").param("comment", "ok");
        for (var item : ReviewChecklist.values()) {
            request.param("item_" + item.name(), "on");
        }
        return request;
    }
}
