package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EdgeRefusalsTest {

    @ParameterizedTest(name = "\"{0}\" counts as {1}")
    @CsvSource(delimiter = '|', value = {
            "bare LF in request head | bare_lf",
            "more than one Content-Length | duplicate_content_length",
            "request head not complete within header_timeout | head_timeout",
            "request refused at the edge | other",
            "something new | other"})
    void eachRefusalIsCountedUnderItsReasonAndAnUnknownReasonUnderOther(String reason, String key) {
        EdgeRefusals refusals = new EdgeRefusals();
        refusals.refused(reason);
        refusals.refused(reason);
        assertEquals(2, refusals.count(key));
        assertEquals(2, refusals.total());
        assertEquals(2L, refusals.counts().get(key));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"400 bare LF in request head|GET|/|a, bare_lf", "408 request head not complete within header_timeout, head_timeout"})
    void theReasonTheMarkerCarriesIsTheOneCounted(String marker, String key) {
        EdgeRefusals refusals = new EdgeRefusals();
        refusals.refused(Marker.reason(marker));
        assertEquals(1, refusals.count(key));
    }
}
