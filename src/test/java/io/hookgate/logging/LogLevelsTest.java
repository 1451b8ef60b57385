package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogLevelsTest {
    private final LoggerContext context = new LoggerContext();

    private Level effective(String logger) {
        return context.getLogger(logger).getEffectiveLevel();
    }

    @Test
    void theGatewaysLoggersTakeTheLevelTheLibrariesStayAtWarnOrAbove() {
        LogLevels.apply(context, "debug");
        assertThat(effective(Logger.ROOT_LOGGER_NAME)).isEqualTo(Level.DEBUG);
        assertThat(effective("hookgate.delivery")).isEqualTo(Level.DEBUG);
        assertThat(effective("io.hookgate.store.SubscriptionStoreVerticle")).isEqualTo(Level.DEBUG);
        assertThat(effective("io.vertx.core.impl.ContextImpl")).isEqualTo(Level.WARN);
        assertThat(effective("io.netty.channel.DefaultChannelPipeline")).isEqualTo(Level.WARN);

        LogLevels.apply(context, "warn");
        assertThat(effective("hookgate.access")).as("access lines are INFO: off at warn").isEqualTo(Level.WARN);
        assertThat(context.getLogger("hookgate.access").isInfoEnabled()).isFalse();

        LogLevels.apply(context, "error");
        assertThat(effective("io.hookgate.Hookgate")).isEqualTo(Level.ERROR);
        assertThat(effective("io.vertx.core.impl.ContextImpl")).isEqualTo(Level.ERROR);
    }

    @Test
    void anUnknownLevelIsRefused() {
        assertThatThrownBy(() -> LogLevels.apply(context, "loud")).isInstanceOf(IllegalArgumentException.class);
    }
}
