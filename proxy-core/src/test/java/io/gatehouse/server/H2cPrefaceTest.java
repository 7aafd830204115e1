package io.gatehouse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H2cPrefaceTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n                 | 1",
        "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\\u0000\\u0000   | 1",
        "PRI * HTTP/2.0\\r\\n\\r\\nSM                           | 0",
        "P                                                    | 0",
        "GET / HTTP/1.1\\r\\n                                 | -1",
        "POST / HTTP/1.1                                      | -1",
        "PRI * HTTP/1.1\\r\\n\\r\\n                           | -1",
        "PRIX                                                 | -1",
    })
    void onlyTheHttp2ConnectionPrefaceGoesToHttp2AndAnyOtherByteDecidesAtOnce(String sent, int verdict) {
        String text = sent.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        ByteBuffer bytes = ByteBuffer.allocate(64);
        bytes.put(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(verdict, H2cPreface.verdict(bytes));
    }
}
