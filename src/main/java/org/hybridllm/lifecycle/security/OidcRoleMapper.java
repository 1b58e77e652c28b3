package org.hybridllm.lifecycle.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import java.util.HashMap;

/**
 * Maps an OIDC user's roles to ours (ENGINEER, REVIEWER, ADMIN), read from the ID token / user info claims
 * {@code roles}, {@code groups} or Keycloak's {@code realm_access.roles}, case-insensitively. Other roles are ignored.
 */
public class OidcRoleMapper implements GrantedAuthoritiesMapper {

    static final Set<String> KNOWN = Set.of("ENGINEER", "REVIEWER", "ADMIN");

    @Override
    public Collection<? extends GrantedAuthority> mapAuthorities(Collection<? extends GrantedAuthority> authorities) {
        Set<GrantedAuthority> mapped = new HashSet<>(authorities);
        for (GrantedAuthority authority : authorities) {
            if (authority instanceof OidcUserAuthority oidc) {
                Map<String, Object> claims = new HashMap<>(oidc.getIdToken().getClaims());
                if (oidc.getUserInfo() != null) {
                    claims.putAll(oidc.getUserInfo().getClaims());
                }
                rolesIn(claims).forEach(role -> mapped.add(new SimpleGrantedAuthority("ROLE_" + role)));
            }
        }
        return mapped;
    }

    static Set<String> rolesIn(Map<String, Object> claims) {
        Set<String> roles = new HashSet<>();
        addAll(roles, claims.get("roles"));
        addAll(roles, claims.get("groups"));
        if (claims.get("realm_access") instanceof Map<?, ?> realm) {
            addAll(roles, realm.get("roles"));
        }
        return roles;
    }

    private static void addAll(Set<String> roles, Object claim) {
        if (claim instanceof List<?> values) {
            for (Object value : values) {
                String role = String.valueOf(value).replaceFirst("^/", "").toUpperCase(Locale.ROOT);
                if (KNOWN.contains(role)) {
                    roles.add(role);
                }
            }
        }
    }
}
