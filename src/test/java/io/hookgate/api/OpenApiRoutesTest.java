package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.config.ConfigKey;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.net.HostResolver;
import io.hookgate.net.TargetGuard;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the API verticle's real router: every route is in the document, the
 * document names no route that does not exist, and each operation declares exactly the parameters of
 * its path. The verticle runs without a store: no request here needs one.
 */
class OpenApiRoutesTest {
    private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

    private static Vertx vertx;
    private static HttpApiVerticle api;
    private static OpenApiDocument document;

    @BeforeAll
    static void start() throws Exception {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            values.put(k, k.defaultValue());
        }
        values.put(ConfigKey.HTTP_HOST, "127.0.0.1");
        values.put(ConfigKey.HTTP_PORT, "0");
        HookgateConfig config = HookgateConfig.fromValues(values);
        vertx = Vertx.vertx();
        api = new HttpApiVerticle(config.api(), EventCatalogue.load(),
            new TargetCheck(new TargetGuard(config.dispatch().allowedTargets()), HostResolver.SYSTEM),
            new FrontDoor(config.api().frontDoor()), () -> false);
        vertx.deployVerticle(api).await();
        document = OpenApiDocument.load();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @Test
    void theDocumentIsServedWithoutAKey() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + api.actualPort() + OpenApiRoutes.PATH);
        HttpResponse<byte[]> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo(OpenApiRoutes.read());
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        Set<String> routes = new TreeSet<>();
        for (Route route : api.router().getRoutes()) {
            if (route.getPath() == null) {
                // A path given as a regex has none either (a path with :params is a regex inside, and keeps it).
                assertThat(route.isRegexPath()).as("a route by regex: the walk cannot match it to the document")
                    .isFalse();
                continue; // a catch-all: the handlers every request passes, the 404 at the end
            }
            if (route.getPath().startsWith("/console/")) {
                continue; // the console's static files: a web page, not an operation of the API
            }
            assertThat(route.methods()).as("route %s answers every method", route.getPath()).isNotEmpty();
            String path = VERTX_PARAM.matcher(route.getPath()).replaceAll("{$1}");
            route.methods().forEach(m -> routes.add(m.name() + " " + path));
        }
        Set<String> documented = operations();

        assertThat(routes).as("the router's routes").hasSizeGreaterThan(20);
        assertThat(without(routes, documented)).as("routes missing from the OpenAPI document").isEmpty();
        assertThat(without(documented, routes)).as("operations of the OpenAPI document that no route serves").isEmpty();
    }

    @Test
    void eachOperationDeclaresExactlyThePathParametersOfItsPath() {
        for (OpenApiDocument.Operation op : document.operations()) {
            String name = op.name();
            Set<String> inPath = new TreeSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(op.path());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : op.node().path("parameters")) {
                JsonNode param = document.resolve(p);
                if ("path".equals(param.path("in").asText())) {
                    assertThat(param.path("required").asBoolean()).as("%s: path parameter %s is required", name,
                        param.path("name").asText()).isTrue();
                    declared.add(param.path("name").asText());
                }
            }
            assertThat(declared).as("path parameters of %s", name).isEqualTo(inPath);
        }
    }

    /** "METHOD /v1/path/{param}": the operations, the server's base path in front. */
    private static Set<String> operations() {
        String base = document.root.path("servers").path(0).path("url").asText();
        assertThat(base).as("the server URL, a path").startsWith("/");
        Set<String> out = new TreeSet<>();
        document.operations().forEach(op -> out.add(op.method() + " " + base + op.path()));
        return out;
    }

    private static Set<String> without(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
