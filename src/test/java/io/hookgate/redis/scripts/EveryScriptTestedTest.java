package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.LuaScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each script of {@code src/main/resources/lua/} has a test class of its own here ({@code <Name>ScriptTest}). */
class EveryScriptTestedTest {

    @Test
    void everyScriptHasItsTestClass() throws Exception {
        Path dir = Path.of(LuaScript.class.getResource("/lua/").toURI());
        List<String> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lua"))
                .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        }

        assertThat(scripts).hasSizeGreaterThanOrEqualTo(21);
        assertThat(scripts).allSatisfy(name -> assertThat(testClassExists(name)).as("a test class for lua/%s.lua", name)
            .isTrue());
    }

    /** complete_first -> CompleteFirstScriptTest. */
    private static boolean testClassExists(String script) {
        StringBuilder name = new StringBuilder(EveryScriptTestedTest.class.getPackageName()).append('.');
        for (String part : script.split("_")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        try {
            Class.forName(name.append("ScriptTest").toString());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
