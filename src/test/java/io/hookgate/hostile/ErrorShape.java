package io.hookgate.hostile;

import java.util.regex.Pattern;

/** What an error answer's message must not carry (its shape: {@link io.hookgate.testsupport.AppwriteError}). */
final class ErrorShape {
    /**
     * What Jackson's own messages carry and an API message must not: its package, class and setting
     * names, getters such as {@code getMaxNestingDepth()}, character codes and source locations.
     */
    static final Pattern PARSER_INTERNALS = Pattern.compile("com\\.fasterxml|jackson|StreamReadConstraints"
        + "|ReadFeature|DeserializationFeature|JsonToken|\\bget[A-Z]\\w*\\(\\)|\\(code -?\\d+\\)|\\[Source:",
        Pattern.CASE_INSENSITIVE);

    private ErrorShape() {
    }
}
