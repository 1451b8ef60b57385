package io.hookgate.redis.scripts;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The base of the tests of scripts that publish on the change channel: each test is subscribed to it. */
abstract class ChangeScriptHarness extends ScriptHarness {
    Changes changes;

    @BeforeEach
    void subscribe() {
        changes = Changes.subscribe(redis);
    }

    @AfterEach
    void unsubscribe() throws IOException {
        changes.close();
    }
}
