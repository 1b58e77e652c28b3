package org.hybridllm.lifecycle.console;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's login page (Spring Security's form login posts to /login itself). With OIDC clients configured it
 * also offers each client's login, as Spring's generated page did.
 */
@Controller
public class LoginController {

    public record OidcClient(String name, String url) {
    }

    private final ObjectProvider<ClientRegistrationRepository> oidcClients;

    public LoginController(ObjectProvider<ClientRegistrationRepository> oidcClients) {
        this.oidcClients = oidcClients;
    }

    @GetMapping("/login")
    public String login(Model model) {
        List<OidcClient> clients = new ArrayList<>();
        if (oidcClients.getIfAvailable() instanceof Iterable<?> registrations) {
            for (Object registration : registrations) {
                if (registration instanceof ClientRegistration client) {
                    clients.add(new OidcClient(client.getClientName(),
                            "/oauth2/authorization/" + client.getRegistrationId()));
                }
            }
        }
        model.addAttribute("oidcClients", clients);
        return "login";
    }
}
