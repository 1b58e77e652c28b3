package org.hybridllm.lifecycle;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The console's resume form is refused to reviewers whatever the page shows, the runs API's filters refuse bad
 * values naming the parameter, and errors stay HTML in the console and RFC 9457 problems in the API.
 */
@AppTest
class RunsConsoleSecurityIT {

    @Autowired
    MockMvc mvc;

    @Test
    void onlyEngineersAndAdminsMayResumeThroughTheConsole() throws Exception {
        String resume = "/console/runs/" + UUID.randomUUID() + "/resume";
        // refused by the console's filter chain, shown on the console's 403 page
        mvc.perform(post(resume).with(user("reviewer").roles("REVIEWER")).with(csrf()))
                .andExpect(status().isForbidden())
                .andExpect(forwardedUrl("/console/forbidden"));
        mvc.perform(post(resume).with(user("engineer").roles("ENGINEER")))
                .andExpect(status().isForbidden()); // no CSRF token
        // an engineer gets through to the service: no such run is an HTML 404
        mvc.perform(post(resume).with(user("engineer").roles("ENGINEER")).with(csrf()))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(Matchers.containsString("No run with id")));
        mvc.perform(post(resume)).andExpect(status().isForbidden()); // anonymous, without a token
    }

    @Test
    void theForbiddenPageSaysWhyInHtml() throws Exception {
        mvc.perform(get("/console/forbidden").with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(Matchers.containsString("Your role does not allow this action.")));
    }

    @Test
    void badFiltersOfTheRunsApiAre400sNamingTheParameter() throws Exception {
        expectInvalid("/api/runs?status=FINISHED", "status");
        expectInvalid("/api/runs?outcome=WON", "outcome");
        expectInvalid("/api/runs?createdFrom=yesterday", "createdFrom");
        expectInvalid("/api/runs?createdTo=2026-02-30", "createdTo");
        expectInvalid("/api/runs?createdFrom=2026-02-01&createdTo=2026-01-01", "createdTo");
        expectInvalid("/api/runs?page=-1", "page");
        expectInvalid("/api/runs?size=0", "size");
        mvc.perform(get("/api/runs?status=interrupted&outcome=&startedBy=nobody&createdFrom=2026-01-01T00:00:00Z")
                        .with(httpBasic("reviewer", "reviewer-dev")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalItems").value(0))
                .andExpect(jsonPath("$.items").isArray());
    }

    @Test
    void theApiKeepsItsProblemsAndTheConsoleItsPages() throws Exception {
        UUID unknown = UUID.randomUUID();
        mvc.perform(get("/api/runs/" + unknown).with(httpBasic("reviewer", "reviewer-dev"))
                        .accept(MediaType.TEXT_HTML, MediaType.ALL))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://hybridllm.org/problems/run-not-found"));
        mvc.perform(get("/console/runs/" + unknown).with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(Matchers.containsString("No run with id " + unknown + ".")));
        mvc.perform(get("/console/runs?createdFrom=soon").with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(Matchers.containsString("Parameter &#39;createdFrom&#39;")));
        mvc.perform(get("/console/runs")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("**/login"));
    }

    private void expectInvalid(String path, String parameter) throws Exception {
        mvc.perform(get(path).with(httpBasic("reviewer", "reviewer-dev")))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.field").value(parameter));
    }
}
