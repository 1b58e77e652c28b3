package org.hybridllm.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;
import java.io.File;

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file is valid for
 * docker-compose, and it wires what the README promises (pinned images, health checks and start order, volumes
 * for every piece of state, the app on the cluster's gateway and on its own database).
 */
class ComposeFileTest {

    private static final Pattern PINNED = Pattern.compile("[^:]+:[^:]*\\d[^:]*");
    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        List<String> command = commandOnPath("docker-compose")
                ? List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                : List.of("docker", "compose", "-f", "docker-compose.yml", "config", "-q");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("%s said: %s (install Debian's docker-compose package; .ci/run does)", command, output)
                .isZero();
    }

    @Test
    void theClusterItsStorageConnectorsOurDatabaseAndTheAppAreThereWithPinnedImages() {
        assertThat(services).containsKeys("orchestration", "elasticsearch", "connectors", "postgres", "app",
                "worker", "keycloak", "identity");
        assertThat(image("orchestration")).startsWith("camunda/camunda:8.8.");
        assertThat(image("connectors")).startsWith("camunda/connectors-bundle:8.8.");
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            assertThat(image).as("image of %s", name).isNotNull().matches(PINNED).doesNotContain("latest");
        });
        assertThat(services.get("app")).containsKey("build");
        assertThat(profiles("keycloak")).containsExactly("identity");
        assertThat(profiles("identity")).containsExactly("identity");
        assertThat(profiles("worker")).containsExactly("workers");
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterWhatItNeeds() throws IOException {
        services.forEach((name, service) -> {
            if (!name.equals("app") && !name.equals("worker")) { // theirs is the image's HEALTHCHECK
                assertThat(nested(service, "healthcheck", "test")).as("health check of %s", name).isNotNull();
            }
        });
        assertThat(dockerfile()).contains("HEALTHCHECK");
        assertThat(healthyBefore("app")).containsExactlyInAnyOrder("orchestration", "postgres");
        assertThat(healthyBefore("worker")).containsExactly("app");
        assertThat(healthyBefore("orchestration")).containsExactly("elasticsearch");
        assertThat(healthyBefore("connectors")).containsExactly("orchestration");
        assertThat(healthyBefore("identity")).containsExactly("keycloak");
    }

    @Test
    @SuppressWarnings("unchecked")
    void allStateLivesInNamedVolumes() {
        Map<String, Object> volumes = (Map<String, Object>) compose.get("volumes");
        Map<String, String> expected = Map.of(
                "postgres", "/var/lib/postgresql/data",
                "orchestration", "/usr/local/camunda/data",
                "elasticsearch", "/usr/share/elasticsearch/data",
                "app", "/var/lib/llm-lifecycle/artifacts",
                "worker", "/var/lib/llm-lifecycle/artifacts",
                "keycloak-db", "/var/lib/postgresql/data");
        expected.forEach((service, path) -> {
            List<String> mounts = (List<String>) services.get(service).get("volumes");
            String mount = mounts.stream().filter(m -> m.endsWith(":" + path)).findFirst().orElseThrow(
                    () -> new AssertionError(service + " keeps " + path + " in no volume: " + mounts));
            assertThat(volumes).as("volume of %s", service).containsKey(mount.substring(0, mount.indexOf(':')));
        });
        // the configuration files mounted into the containers are in the repository
        assertThat(Path.of("deploy/camunda/orchestration.yaml")).exists();
        assertThat(Path.of("deploy/camunda/orchestration-oidc.yaml")).exists();
        assertThat(Path.of("deploy/identity/application.yaml")).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAppRunsOnTheClustersGatewayAndOnItsOwnDatabase() {
        Map<String, Object> environment = (Map<String, Object>) services.get("app").get("environment");
        // bound the way Spring Boot binds the container's environment: the names must reach the real properties
        Binder binder = containerEnvironment(environment);
        assertThat(binder.bind("lifecycle.engine", String.class).get()).isEqualTo("remote");
        assertThat(binder.bind("camunda.client.mode", String.class).get()).isEqualTo("self-managed");
        URI gateway = URI.create(binder.bind("camunda.client.grpc-address", String.class).get());
        assertThat(gateway.getHost()).isEqualTo("orchestration");
        assertThat(ports("orchestration")).contains(gateway.getPort() + ":" + gateway.getPort());
        assertThat(URI.create(binder.bind("camunda.client.rest-address", String.class).get()).getHost())
                .isEqualTo("orchestration");

        Map<String, Object> database = (Map<String, Object>) services.get("postgres").get("environment");
        URI jdbc = URI.create(((String) environment.get("LIFECYCLE_DB_URL")).substring("jdbc:".length()));
        assertThat(jdbc.getHost()).isEqualTo("postgres");
        assertThat(jdbc.getPath()).isEqualTo("/" + database.get("POSTGRES_DB"));
        assertThat(environment.get("LIFECYCLE_DB_USER")).isEqualTo(database.get("POSTGRES_USER"));
        assertThat(environment.get("LIFECYCLE_DB_PASSWORD")).isEqualTo(database.get("POSTGRES_PASSWORD"));
        assertThat(ports("app")).containsExactly("8080:8080");
        // the extra instances do not load the sample data a second time
        Map<String, Object> worker = (Map<String, Object>) services.get("worker").get("environment");
        assertThat(containerEnvironment(worker).bind("lifecycle.sample-data.enabled", Boolean.class).get()).isFalse();
    }

    @Test
    void theAppImageIsBuiltInStagesWithTheWrapperAndRunsAsANonRootUser() throws IOException {
        String dockerfile = dockerfile();
        assertThat(Pattern.compile("^FROM ", Pattern.MULTILINE).matcher(dockerfile).results().count()).isEqualTo(2);
        assertThat(dockerfile).contains("./mvnw").contains("COPY --from=build");
        String user = Pattern.compile("^USER (\\S+)", Pattern.MULTILINE).matcher(dockerfile).results()
                .reduce((first, second) -> second).orElseThrow().group(1);
        assertThat(user).isNotIn("root", "0");
        Pattern.compile("^FROM (\\S+)", Pattern.MULTILINE).matcher(dockerfile).results()
                .forEach(from -> assertThat(from.group(1)).matches(PINNED));
        assertThat(Path.of(".dockerignore")).content().contains("target");
    }

    /** The container's environment as Spring Boot sees it (relaxed names such as CAMUNDA_CLIENT_GRPCADDRESS). */
    private static Binder containerEnvironment(Map<String, Object> variables) {
        StandardEnvironment spring = new StandardEnvironment();
        spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        return Binder.get(spring);
    }

    private static String dockerfile() throws IOException {
        return Files.readString(Path.of("Dockerfile"));
    }

    private static String image(String service) {
        return (String) services.get(service).get("image");
    }

    @SuppressWarnings("unchecked")
    private static List<String> profiles(String service) {
        return (List<String>) services.get(service).get("profiles");
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        return (List<String>) services.get(service).get("ports");
    }

    @SuppressWarnings("unchecked")
    private static List<String> healthyBefore(String service) {
        Map<String, Map<String, Object>> dependsOn =
                (Map<String, Map<String, Object>>) services.get(service).get("depends_on");
        dependsOn.forEach((dependency, condition) -> assertThat(condition)
                .as("%s waits for %s", service, dependency).containsEntry("condition", "service_healthy"));
        return List.copyOf(dependsOn.keySet());
    }

    @SuppressWarnings("unchecked")
    private static Object nested(Map<String, Object> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    private static boolean commandOnPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }
}
