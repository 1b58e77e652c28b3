package org.hybridllm.lifecycle.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Users from configuration (the default setup); passwords plain (hashed at start-up) or pre-encoded. */
@ConfigurationProperties("lifecycle.security")
public record SecurityProperties(List<User> users) {

    public record User(String name, String password, List<String> roles) {
    }

    public SecurityProperties {
        users = users == null ? List.of() : List.copyOf(users);
    }
}
