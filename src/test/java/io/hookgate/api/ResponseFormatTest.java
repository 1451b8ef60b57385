package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PHP's version_compare, as Appwrite applies it to X-Appwrite-Response-Format, and the rules it picks. */
class ResponseFormatTest {

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
        "1.9.1, 1.9.1, 0",
        "1.9.0, 1.9.1, -1",
        "1.9.5, 1.9.1, 1",
        "1.10.0, 1.9.1, 1",
        "1.9, 1.9.1, -1",
        "1.9.1.1, 1.9.1, 1",
        "1.9.1-rc1, 1.9.1, -1",
        "1.9.1rc1, 1.9.1, -1",
        "1.9.1-beta, 1.9.1-rc, -1",
        "1.9.1-dev, 1.9.1-alpha, -1",
        "1.9.1-pl1, 1.9.1, 1",
        "1.9.1_1, 1.9.1, 1",
        "x, 1.9.1, -1",
        "0.15.0, 1.9.0, -1",
        "01.09.01, 1.9.1, 0",
        "99999999999999999999999, 1.9.1, 1"})
    void comparesAsPhpsVersionCompare(String a, String b, int expected) {
        assertThat(ResponseFormat.compare(a, b)).isEqualTo(expected);
        assertThat(ResponseFormat.compare(b, a)).isEqualTo(-expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
        "1.9.5 | false | false",
        "1.9.1 | false | false",
        "1.9.0 | true | false",
        "1.8.1 | true | true",
        "0.15.0 | true | true",
        "x | true | true"}, delimiter = '|')
    void belowOneNineOneTheOldNamesBelowOneNineZeroAnOptionalWebhookId(String header, boolean oldNames,
                                                                        boolean idOptional) {
        assertThat(ResponseFormat.of(header, ResponseFormat.CURRENT))
            .isEqualTo(new ResponseFormat(oldNames, idOptional))
            .isEqualTo(ResponseFormat.of(header, ResponseFormat.LEGACY));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(value = {"''", "0"})
    void withoutAFormatTheRoutesOwnRulesHold(String header) {
        assertThat(ResponseFormat.of(header, ResponseFormat.CURRENT)).isEqualTo(ResponseFormat.CURRENT);
        assertThat(ResponseFormat.of(header, ResponseFormat.LEGACY)).isEqualTo(ResponseFormat.LEGACY);
        assertThat(ResponseFormat.of(null, ResponseFormat.LEGACY)).isEqualTo(ResponseFormat.LEGACY);
    }
}
