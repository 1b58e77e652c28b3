package org.hybridllm.lifecycle.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OidcRoleMapperTest {

    @Test
    void rolesComeFromRolesGroupsOrKeycloakRealmAccessAndUnknownOnesAreIgnored() {
        assertThat(OidcRoleMapper.rolesIn(Map.of("roles", List.of("reviewer", "offline_access"))))
                .containsExactly("REVIEWER");
        assertThat(OidcRoleMapper.rolesIn(Map.of("groups", List.of("/admin"))))
                .containsExactly("ADMIN");
        assertThat(OidcRoleMapper.rolesIn(Map.of("realm_access", Map.of("roles", List.of("ENGINEER", "uma_authorization")))))
                .containsExactly("ENGINEER");
        assertThat(OidcRoleMapper.rolesIn(Map.of())).isEmpty();
    }
}
