package io.hookgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.Hookgate;
import io.hookgate.bus.Codecs;
import io.hookgate.config.ConfigKey;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.health.ManagementVerticle;
import io.hookgate.health.Readiness;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay under {@code k8s/overlays} the way k8s/README.md says to (plain
 * {@code kubectl kustomize}, which is what {@code kubectl apply -k}, Argo CD and Flux do: kustomize's
 * default load restrictions, no warning) and checks the result against the code: the probes answer
 * on a real {@link ManagementVerticle}, every {@code HOOKGATE_*} variable is a configuration key and
 * the configuration the pods would see passes {@link HookgateConfig} validation, the pods read the
 * image's {@code conf/hookgate.json}, the grace period outlasts the configured drain, and every pod
 * is bounded and locked down.
 */
class ManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final Path OVERLAYS = K8S.resolve("overlays");
    private static final Path README = K8S.resolve("README.md");
    private static final Path SERVICE_MONITOR = K8S.resolve("servicemonitor.example.yaml");
    private static final Path CONF = Path.of("conf/hookgate.json");
    private static final Path MANAGEMENT_SOURCE = Path.of("src/main/java/io/hookgate/health/ManagementVerticle.java");

    private static final String GATEWAY = "hookgate";
    /** The Secret the gateway reads: rendered by the dev overlay, created by hand elsewhere (k8s/README.md). */
    private static final String SECRET = "hookgate-secrets";
    /** Read by {@link HookgateConfig#load} itself (the file to load), not a key of the file. */
    private static final String CONFIG_FILE_VARIABLE = "HOOKGATE_CONFIG";
    /** What the downward API gives for metadata.name: a Deployment's pod name. */
    private static final String POD_NAME = "hookgate-6b7f9c8d5-x2x7q";
    /** Plausible values for the keys of a Secret an overlay does not render (production). */
    private static final Map<String, String> EXTERNAL_SECRET_EXAMPLES = Map.of(
        "admin-key", "prod-admin-key-0123456789abcdef",
        "encryption-key", Base64.getEncoder().encodeToString(new byte[32]),
        "redis-url", "rediss://hookgate:secret@redis.example.com:6380");
    private static final Set<String> CONFIG_ENV_NAMES = Arrays.stream(ConfigKey.values()).map(ConfigKey::envName)
        .collect(Collectors.toUnmodifiableSet());

    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Vertx vertx;
    private static int managementPort;

    @BeforeAll
    static void kubectlAndAManagementServer() {
        Kubectl.requireUsable();
        vertx = Vertx.vertx();
        Codecs.registerAll(vertx.eventBus());
        // Not deployed, no Redis: what a probe sees while a pod starts.
        ManagementVerticle management = new ManagementVerticle(new HookgateConfig.ManagementConfig("127.0.0.1", 0, true),
            new Readiness(), new GatewayMetrics());
        vertx.deployVerticle(management).await();
        managementPort = management.actualPort();
    }

    @AfterAll
    static void closeVertx() {
        if (vertx != null) {
            Hookgate.closeVertx(vertx);
        }
    }

    /** Every directory under k8s/overlays with a kustomization: each test runs for each. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Rendered rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay,
            o -> new Rendered(o, Kubectl.toObjects(Kubectl.renderYaml(OVERLAYS.resolve(o)))));
    }

    @Test
    void theDevAndProductionOverlaysRenderWithoutTheServiceMonitorCrd() {
        assertThat(overlays()).contains("dev", "production");
        for (String overlay : overlays()) {
            assertThat(rendered(overlay).objects()).as(overlay).isNotEmpty();
            // The ServiceMonitor needs the Prometheus Operator's CRD: an example to apply, never rendered.
            assertThat(rendered(overlay).all("ServiceMonitor")).as(overlay).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theGatewayRunsThreeReplicasAndRollsWithoutDroppingCapacity(String overlay) {
        JsonNode deployment = rendered(overlay).one("Deployment", GATEWAY);
        JsonNode spec = deployment.path("spec");

        assertThat(spec.path("replicas").asInt()).isEqualTo(3);
        assertThat(Rendered.selects(spec.path("selector").path("matchLabels"),
            spec.path("template").path("metadata").path("labels"))).as("the selector selects the pods").isTrue();
        assertThat(spec.path("strategy").path("type").asText("RollingUpdate")).isEqualTo("RollingUpdate");
        JsonNode rolling = spec.path("strategy").path("rollingUpdate");
        assertThat(rolling.path("maxUnavailable").asText()).as("maxUnavailable").isIn("0", "0%");
        assertThat(rolling.path("maxSurge").asText()).as("maxSurge").isNotIn("", "0", "0%");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void probesUseTheManagementRoutesOnTheManagementPort(String overlay) throws IOException {
        Rendered r = rendered(overlay);
        JsonNode c = gateway(r);
        Map<ConfigKey, String> config = effectiveConfig(r, c);
        int management = Integer.parseInt(config.get(ConfigKey.MANAGEMENT_PORT));

        assertThat(containerPort(c, "management")).as("container port 'management'").isEqualTo(management);
        assertThat(containerPort(c, "http")).as("container port 'http'")
            .isEqualTo(Integer.parseInt(config.get(ConfigKey.HTTP_PORT)));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            assertThat(get.isObject()).as("%s is an httpGet probe", probe).isTrue();
            assertThat(resolvePort(c, get.path("port"))).as("%s port", probe).isEqualTo(management);
        }
        // Against the real routes, with a gateway neither deployed nor connected to Redis: startup
        // and liveness must answer (or a Redis outage would restart every pod), readiness must not.
        assertThat(status(c.path("startupProbe").path("httpGet").path("path").asText())).as("startupProbe")
            .isEqualTo(200);
        assertThat(status(c.path("livenessProbe").path("httpGet").path("path").asText())).as("livenessProbe")
            .isEqualTo(200);
        assertThat(status(c.path("readinessProbe").path("httpGet").path("path").asText())).as("readinessProbe")
            .isEqualTo(503);
        assertThat(status("/no-such-route")).as("an unknown path, so the checks above can fail").isEqualTo(404);
        // The metrics port the ServiceMonitor scrapes serves Prometheus text at /metrics.
        assertThat(status("/metrics")).as("/metrics on the management port").isEqualTo(200);

        // The readiness handler waits for its slowest check; a shorter probe timeout reads as "not ready".
        long slowestCheckMs = slowestHealthCheckMs();
        assertThat(c.path("readinessProbe").path("timeoutSeconds").asLong(1) * 1000)
            .as("readinessProbe.timeoutSeconds vs the slowest health check (%d ms)", slowestCheckMs)
            .isGreaterThan(slowestCheckMs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyHookgateVariableIsAConfigurationKey(String overlay) {
        Rendered r = rendered(overlay);
        for (JsonNode workload : r.workloads()) {
            for (JsonNode c : Rendered.containers(Rendered.podTemplate(workload).path("spec"))) {
                String where = overlay + " " + Rendered.name(workload) + "/" + c.path("name").asText();
                // With envFrom, variables would hide in objects this test may not see (an external Secret).
                assertThat(c.path("envFrom").size()).as("%s uses envFrom", where).isZero();
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    if (name.startsWith(ConfigKey.ENV_PREFIX)) {
                        assertThat(CONFIG_ENV_NAMES.contains(name) || name.equals(CONFIG_FILE_VARIABLE))
                            .as("%s sets %s, which is no configuration key", where, name).isTrue();
                    }
                }
            }
        }
        JsonNode c = gateway(r);
        assertThat(ConfigLoader.load(CONF, environment(r, c)).unknownEnvironment())
            .as("variables the gateway would report as unknown").isEmpty();
        // The replica's consumer name is the pod's own name.
        assertThat(envVar(c, ConfigKey.REPLICA_ID.envName()).path("valueFrom").path("fieldRef").path("fieldPath")
            .asText()).isEqualTo("metadata.name");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theConfigurationThePodsSeeIsValid(String overlay) {
        Rendered r = rendered(overlay);
        JsonNode c = gateway(r);
        Map<ConfigKey, String> values = new EnumMap<>(effectiveConfig(r, c));
        String caFile = values.get(ConfigKey.REDIS_CA_FILE);
        if (!caFile.isEmpty()) {
            // Validation reads the file; here it only has to be on a mounted volume.
            assertThat(mountPaths(c)).as("%s on a mounted volume", ConfigKey.REDIS_CA_FILE.envName())
                .anyMatch(m -> caFile.startsWith(m + "/"));
            values.put(ConfigKey.REDIS_CA_FILE, "");
        }

        HookgateConfig config = HookgateConfig.fromValues(values);

        assertThat(config.store().replicaId()).isEqualTo(POD_NAME);
        assertThat(config.store().adminKey()).as("admin key from the Secret").isNotEmpty();
        assertThat(config.store().encryptionKey()).as("encryption key from the Secret").isNotEmpty();
        assertThat(config.redis().urls()).doesNotContain(ConfigKey.REDIS_URL.defaultValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void thePodsReadTheImagesConfHookgateJson(String overlay) {
        Rendered r = rendered(overlay);
        JsonNode c = gateway(r);
        String configPath = envVar(c, CONFIG_FILE_VARIABLE).path("value").asText();

        // DockerfileTest: the image holds conf/hookgate.json at HOOKGATE_CONFIG of k8s/base. Here: no
        // overlay moves it or mounts anything over it, so conf/hookgate.json stays the one source of
        // the defaults (a ConfigMap generated from it would need kustomize's load restrictions off).
        assertThat(configPath).isEqualTo("/app/" + CONF);
        for (JsonNode m : c.path("volumeMounts")) {
            String mountPath = m.path("mountPath").asText();
            assertThat(configPath.equals(mountPath) || configPath.startsWith(mountPath + "/"))
                .as("volume %s mounted over %s", m.path("name").asText(), configPath).isFalse();
        }
        assertThat(r.all("ConfigMap")).as("ConfigMaps the gateway would not read").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theGracePeriodOutlastsPreStopDrainAndDelivery(String overlay) {
        Rendered r = rendered(overlay);
        JsonNode c = gateway(r);
        Map<ConfigKey, String> config = effectiveConfig(r, c);
        long shutdownMs = Long.parseLong(config.get(ConfigKey.SHUTDOWN_TIMEOUT_MS));
        long deliveryMs = Long.parseLong(config.get(ConfigKey.DELIVERY_TIMEOUT_MS));
        long preStopSeconds = preStopSleepSeconds(c);
        // Kubernetes' default when unset.
        long graceSeconds = podSpec(r).path("terminationGracePeriodSeconds").asLong(30);

        assertThat(preStopSeconds).as("preStop sleep").isPositive();
        assertThat(graceSeconds * 1000)
            .as("terminationGracePeriodSeconds %d s vs preStop %d s + shutdownTimeoutMs %d + deliveryTimeoutMs %d",
                graceSeconds, preStopSeconds, shutdownMs, deliveryMs)
            .isGreaterThan(preStopSeconds * 1000 + shutdownMs + deliveryMs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyContainerHasResourcesAndARestrictedSecurityContext(String overlay) {
        Rendered r = rendered(overlay);
        assertThat(r.workloads()).isNotEmpty();
        for (JsonNode workload : r.workloads()) {
            JsonNode pod = Rendered.podTemplate(workload).path("spec");
            String name = overlay + " " + workload.path("kind").asText() + " " + Rendered.name(workload);
            JsonNode podSecurity = pod.path("securityContext");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as("%s mounts a token", name)
                .isFalse();
            assertThat(pod.path("enableServiceLinks").asBoolean(true)).as("%s has service links", name).isFalse();
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                assertThat(pod.path(host).asBoolean(false)).as("%s %s", name, host).isFalse();
            }
            for (JsonNode c : Rendered.containers(pod)) {
                String where = name + "/" + c.path("name").asText();
                for (String resource : List.of("cpu", "memory")) {
                    String request = c.path("resources").path("requests").path(resource).asText("");
                    String limit = c.path("resources").path("limits").path(resource).asText("");
                    assertThat(request).as("%s requests.%s", where, resource).isNotEmpty();
                    assertThat(limit).as("%s limits.%s", where, resource).isNotEmpty();
                    assertThat(Rendered.quantity(request)).as("%s %s request <= limit", where, resource)
                        .isLessThanOrEqualTo(Rendered.quantity(limit));
                }
                JsonNode sc = c.path("securityContext");
                assertThat(effective(sc, podSecurity, "runAsNonRoot").asBoolean(false)).as("%s runAsNonRoot", where)
                    .isTrue();
                assertThat(effective(sc, podSecurity, "runAsUser").asLong(-1)).as("%s runAsUser", where).isNotZero();
                assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false)).as("%s readOnlyRootFilesystem", where)
                    .isTrue();
                assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as("%s allowPrivilegeEscalation", where)
                    .isFalse();
                assertThat(sc.path("privileged").asBoolean(false)).as("%s privileged", where).isFalse();
                assertThat(texts(sc.path("capabilities").path("drop"))).as("%s drops", where).contains("ALL");
                assertThat(sc.path("capabilities").path("add").size()).as("%s adds capabilities", where).isZero();
                assertThat(effective(sc, podSecurity, "seccompProfile").path("type").asText())
                    .as("%s seccompProfile", where).isEqualTo("RuntimeDefault");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theHeapFollowsTheContainerLimitAndOnlyEmptyDirsAreWritten(String overlay) {
        Rendered r = rendered(overlay);
        JsonNode podSpec = podSpec(r);
        JsonNode c = gateway(r);
        List<String> options = List.of(envVar(c, "JAVA_TOOL_OPTIONS").path("value").asText().trim().split("\\s+"));

        assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        assertThat(options).anyMatch(o -> o.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?"));
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(options).as("a fixed heap ignores the container limit")
            .noneMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize"));

        // The root filesystem is read-only: the JVM's tmpdir (perf data, Netty's native libraries)
        // and Vert.x's file cache must be on an emptyDir.
        List<String> writable = new ArrayList<>();
        for (JsonNode m : c.path("volumeMounts")) {
            if (volume(podSpec, m.path("name").asText()).has("emptyDir") && !m.path("readOnly").asBoolean(false)) {
                writable.add(m.path("mountPath").asText());
            }
        }
        String tmpdir = option(options, "-Djava.io.tmpdir=").orElse("/tmp");
        String cache = option(options, "-Dvertx.cacheDirBase=").orElse(tmpdir + "/vertx-cache");
        assertThat(writable).as("writable mounts holding java.io.tmpdir " + tmpdir)
            .anyMatch(w -> tmpdir.equals(w) || tmpdir.startsWith(w + "/"));
        assertThat(writable).as("writable mounts holding vertx.cacheDirBase " + cache)
            .anyMatch(w -> cache.equals(w) || cache.startsWith(w + "/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theBudgetAndTheAutoscalerTargetTheGateway(String overlay) {
        Rendered r = rendered(overlay);
        JsonNode deployment = r.one("Deployment", GATEWAY);
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");

        assertThat(r.all("HorizontalPodAutoscaler")).hasSize(1);
        JsonNode hpa = r.all("HorizontalPodAutoscaler").get(0);
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertThat(List.of(target.path("apiVersion").asText(), target.path("kind").asText(),
            target.path("name").asText())).containsExactly("apps/v1", "Deployment", GATEWAY);
        int min = hpa.path("spec").path("minReplicas").asInt(1);
        int max = hpa.path("spec").path("maxReplicas").asInt();
        assertThat(min).as("minReplicas: one pod draining must leave another").isGreaterThanOrEqualTo(2);
        assertThat(deployment.path("spec").path("replicas").asInt()).isBetween(min, max);
        assertThat(hpa.path("spec").path("metrics")).anySatisfy(m -> {
            assertThat(m.path("resource").path("name").asText()).isEqualTo("cpu");
            assertThat(m.path("resource").path("target").path("type").asText()).isEqualTo("Utilization");
        });

        assertThat(r.all("PodDisruptionBudget")).hasSize(1);
        JsonNode pdb = r.all("PodDisruptionBudget").get(0);
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(Rendered.selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels)).isTrue();
        JsonNode spec = pdb.path("spec");
        // At the autoscaler's minimum, a node drain must still be able to evict one pod.
        if (spec.has("maxUnavailable")) {
            assertThat(spec.path("maxUnavailable").asText()).isNotIn("0", "0%");
        } else {
            assertThat(spec.path("minAvailable").isInt()).as("minAvailable as a count").isTrue();
            assertThat(spec.path("minAvailable").asInt()).isLessThan(min);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void servicesReachTheApiAndAMetricsPortReadyForAServiceMonitor(String overlay) throws IOException {
        Rendered r = rendered(overlay);
        JsonNode c = gateway(r);
        JsonNode podLabels = r.one("Deployment", GATEWAY).path("spec").path("template").path("metadata").path("labels");
        Map<ConfigKey, String> config = effectiveConfig(r, c);

        JsonNode api = r.one("Service", GATEWAY);
        assertThat(Rendered.selects(api.path("spec").path("selector"), podLabels)).isTrue();
        assertThat(resolvePort(c, servicePort(api, "http").path("targetPort")))
            .isEqualTo(Integer.parseInt(config.get(ConfigKey.HTTP_PORT)));

        List<JsonNode> metrics = r.all("Service").stream().filter(s -> Rendered.selects(s.path("spec").path("selector"),
            podLabels) && findServicePort(s, "metrics").isPresent()).toList();
        assertThat(metrics).as("Services with a port named metrics").hasSize(1);
        assertThat(resolvePort(c, servicePort(metrics.get(0), "metrics").path("targetPort")))
            .isEqualTo(Integer.parseInt(config.get(ConfigKey.MANAGEMENT_PORT)));

        // The example ServiceMonitor scrapes that Service, and not the API one.
        JsonNode monitor = Kubectl.toObjects(Files.readString(SERVICE_MONITOR)).get(0);
        assertThat(monitor.path("kind").asText()).isEqualTo("ServiceMonitor");
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        assertThat(Rendered.selects(selector, metrics.get(0).path("metadata").path("labels"))).isTrue();
        assertThat(Rendered.selects(selector, api.path("metadata").path("labels"))).isFalse();
        assertThat(monitor.path("spec").path("endpoints")).anySatisfy(e -> {
            assertThat(e.path("port").asText()).isEqualTo("metrics");
            assertThat(e.path("path").asText("/metrics")).isEqualTo("/metrics");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void noServiceNameTurnsIntoAConfigurationVariable(String overlay) {
        // Where service links are on, Kubernetes sets NAME_SERVICE_HOST, NAME_PORT, ... for every
        // Service: a Service named hookgate-management would set HOOKGATE_MANAGEMENT_PORT=tcp://...
        for (JsonNode service : rendered(overlay).all("Service")) {
            String prefix = Rendered.name(service).toUpperCase(Locale.ROOT).replace('-', '_');
            List<String> injected = new ArrayList<>(List.of(prefix + "_SERVICE_HOST", prefix + "_SERVICE_PORT",
                prefix + "_PORT"));
            for (JsonNode p : service.path("spec").path("ports")) {
                String proto = p.path("protocol").asText("TCP");
                String base = prefix + "_PORT_" + p.path("port").asInt() + "_" + proto;
                injected.addAll(List.of(base, base + "_PROTO", base + "_PORT", base + "_ADDR",
                    prefix + "_SERVICE_PORT_" + p.path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
            assertThat(injected).as("variables of Service %s", Rendered.name(service))
                .doesNotContainAnyElementsOf(CONFIG_ENV_NAMES);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everySecretKeyReadIsRenderedOrDocumented(String overlay) throws IOException {
        Rendered r = rendered(overlay);
        String readme = Files.readString(README);
        for (JsonNode e : gateway(r).path("env")) {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (ref.isMissingNode()) {
                continue;
            }
            String secret = ref.path("name").asText();
            String key = ref.path("key").asText();
            Optional<JsonNode> rendered = r.find("Secret", secret);
            if (rendered.isPresent()) {
                assertThat(Rendered.secretValues(rendered.get())).as("Secret %s", secret).containsKey(key);
            } else {
                assertThat(secret).as("a Secret the overlay does not render").isEqualTo(SECRET);
                assertThat(readme).as("k8s/README.md creates %s with key %s", SECRET, key)
                    .contains("--from-literal=" + key + "=");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theReadmeShowsHowToApplyTheOverlay(String overlay) throws IOException {
        assertThat(Files.readString(README)).contains("kubectl apply -k k8s/overlays/" + overlay + "\n")
            .doesNotContain("--load-restrictor");
    }

    @Test
    void devRunsOneRedisWithAnAppendOnlyFileOnAVolumeClaim() {
        Rendered r = rendered("dev");
        List<JsonNode> redis = r.all("StatefulSet").stream().filter(ManifestsTest::runsRedis).toList();
        assertThat(redis).hasSize(1);
        JsonNode sts = redis.get(0);
        JsonNode pod = sts.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        List<String> args = new ArrayList<>(texts(c.path("command")));
        args.addAll(texts(c.path("args")));

        assertThat(sts.path("spec").path("replicas").asInt(1)).isEqualTo(1);
        assertThat(argument(args, "--appendonly")).isEqualTo("yes");
        assertThat(argument(args, "--appendfsync")).isEqualTo("everysec");
        // Evicting keys would drop accepted events from the queue.
        assertThat(argument(args, "--maxmemory-policy")).isEqualTo("noeviction");
        String dir = Optional.ofNullable(argument(args, "--dir")).orElse("/data");
        assertThat(sts.path("spec").path("volumeClaimTemplates").size()).isPositive();
        Set<String> claims = new TreeSet<>();
        sts.path("spec").path("volumeClaimTemplates").forEach(t -> claims.add(Rendered.name(t)));
        assertThat(c.path("volumeMounts")).as("a claim mounted at Redis's --dir " + dir)
            .anyMatch(m -> dir.equals(m.path("mountPath").asText()) && claims.contains(m.path("name").asText()));
        r.one("Service", sts.path("spec").path("serviceName").asText());

        // The gateway's URL names a Service of that Redis, on a port that reaches it.
        String url = secretValue(r, envVar(gateway(r), ConfigKey.REDIS_URL.envName()));
        URI uri = URI.create(url);
        JsonNode service = r.one("Service", uri.getHost());
        assertThat(service.path("spec").path("clusterIP").asText()).as("a stable address").isNotEqualTo("None");
        assertThat(Rendered.selects(service.path("spec").path("selector"), sts.path("spec").path("template")
            .path("metadata").path("labels"))).isTrue();
        JsonNode port = null;
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("port").asInt() == (uri.getPort() < 0 ? 6379 : uri.getPort())) {
                port = p;
            }
        }
        assertThat(port).as("Service %s port of %s", uri.getHost(), url).isNotNull();
        assertThat(resolvePort(c, port.path("targetPort"))).isEqualTo(6379);
    }

    @Test
    void productionTakesRedisFromTheSecretAndRendersNeitherRedisNorSecrets() {
        Rendered r = rendered("production");

        assertThat(r.all("StatefulSet")).isEmpty();
        assertThat(r.workloads()).noneMatch(ManifestsTest::runsRedis);
        assertThat(r.all("Secret")).as("credentials never live in the repository").isEmpty();
        JsonNode c = gateway(r);
        for (ConfigKey key : List.of(ConfigKey.REDIS_URL, ConfigKey.ADMIN_KEY, ConfigKey.ENCRYPTION_KEY)) {
            assertThat(envVar(c, key.envName()).path("valueFrom").path("secretKeyRef").path("name").asText())
                .as(key.envName()).isEqualTo(SECRET);
        }
        assertThat(envVar(c, ConfigKey.REDIS_MODE.envName()).path("value").asText())
            .isIn("standalone", "sentinel", "cluster");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonNode podSpec(Rendered r) {
        return r.one("Deployment", GATEWAY).path("spec").path("template").path("spec");
    }

    private static JsonNode gateway(Rendered r) {
        return Rendered.container(podSpec(r), GATEWAY);
    }

    private static JsonNode envVar(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " does not set " + name);
    }

    /** The container's environment as the pod would see it, with stand-ins for the downward API. */
    private static Map<String, String> environment(Rendered r, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            env.put(name, e.has("valueFrom") ? valueFrom(r, e) : e.path("value").asText());
        }
        return env;
    }

    private static String valueFrom(Rendered r, JsonNode envVar) {
        JsonNode from = envVar.path("valueFrom");
        if (from.has("fieldRef")) {
            String field = from.path("fieldRef").path("fieldPath").asText();
            return switch (field) {
                case "metadata.name" -> POD_NAME;
                case "metadata.namespace" -> "default";
                case "status.podIP" -> "10.1.2.3";
                case "spec.nodeName" -> "node-1";
                default -> throw new AssertionError("unexpected fieldRef " + field);
            };
        }
        if (from.has("secretKeyRef")) {
            return secretValue(r, envVar);
        }
        if (from.has("configMapKeyRef")) {
            JsonNode ref = from.path("configMapKeyRef");
            JsonNode value = r.one("ConfigMap", ref.path("name").asText()).path("data").path(ref.path("key").asText());
            assertThat(value.isTextual()).as("ConfigMap key of %s", envVar.path("name").asText()).isTrue();
            return value.asText();
        }
        throw new AssertionError("unexpected valueFrom of " + envVar.path("name").asText() + ": " + from);
    }

    /** The value of a secretKeyRef: from the rendered Secret, or a plausible one for an external Secret. */
    private static String secretValue(Rendered r, JsonNode envVar) {
        JsonNode ref = envVar.path("valueFrom").path("secretKeyRef");
        String key = ref.path("key").asText();
        Optional<JsonNode> secret = r.find("Secret", ref.path("name").asText());
        Map<String, String> values = secret.map(Rendered::secretValues).orElse(EXTERNAL_SECRET_EXAMPLES);
        assertThat(values).as("Secret %s", ref.path("name").asText()).containsKey(key);
        return values.get(key);
    }

    /** conf/hookgate.json (the image's copy) overlaid by the container's HOOKGATE_* variables. */
    private static Map<ConfigKey, String> effectiveConfig(Rendered r, JsonNode container) {
        return ConfigLoader.load(CONF, environment(r, container)).values();
    }

    private static int containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    /** A probe's or Service's target port (a name or a number) as the container's port number. */
    private static int resolvePort(JsonNode container, JsonNode port) {
        if (port.isTextual() && !port.asText().matches("\\d+")) {
            return containerPort(container, port.asText());
        }
        int number = port.asInt();
        assertThat(container.path("ports")).as("a container port %d", number)
            .anyMatch(p -> p.path("containerPort").asInt() == number);
        return number;
    }

    private static Optional<JsonNode> findServicePort(JsonNode service, String name) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static JsonNode servicePort(JsonNode service, String name) {
        return findServicePort(service, name).orElseThrow(() ->
            new AssertionError("Service " + Rendered.name(service) + " has no port named " + name));
    }

    private static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static List<String> mountPaths(JsonNode container) {
        List<String> paths = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
        return paths;
    }

    private static JsonNode effective(JsonNode containerContext, JsonNode podContext, String field) {
        return containerContext.has(field) ? containerContext.path(field) : podContext.path(field);
    }

    private static long preStopSleepSeconds(JsonNode container) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        if (preStop.has("sleep")) {
            return preStop.path("sleep").path("seconds").asLong();
        }
        Matcher m = Pattern.compile("(?:^|\\s)sleep\\s+(\\d+)(?:\\s|$)")
            .matcher(String.join(" ", texts(preStop.path("exec").path("command"))));
        assertThat(m.find()).as("a preStop sleep in %s", preStop).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The longest timeout a readiness check registers ({@code register("name", ms, ...)}); Vert.x's default is 1 s. */
    private static long slowestHealthCheckMs() throws IOException {
        Matcher m = Pattern.compile("\\.register\\(\\s*\"[^\"]+\"\\s*,\\s*([0-9_]+)L?\\s*,")
            .matcher(Files.readString(MANAGEMENT_SOURCE));
        long slowest = 1_000;
        while (m.find()) {
            slowest = Math.max(slowest, Long.parseLong(m.group(1).replace("_", "")));
        }
        return slowest;
    }

    private static int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean runsRedis(JsonNode workload) {
        return Rendered.containers(Rendered.podTemplate(workload).path("spec")).stream()
            .anyMatch(c -> c.path("image").asText().matches("(.*/)?redis(:.*)?"));
    }

    /** The value after {@code flag} in an argument list, or null. */
    private static String argument(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static Optional<String> option(List<String> options, String prefix) {
        return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
