package io.gatehouse.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BearerTokenTest {

    @ParameterizedTest(name = "[{0}] carries token [{1}]")
    @CsvSource(delimiter = '|', value = {
        "Bearer abc.def.ghi|abc.def.ghi",
        "bearer abc|abc",
        "BEARER abc|abc",
        "Bearer    abc|abc",
        "'  Bearer abc  '|abc",
        "Bearer a-b_c~d+e/f==|a-b_c~d+e/f==",
        "Bearer 12345678-1234-123456|12345678-1234-123456",
    })
    void aWellFormedBearerHeaderYieldsItsToken(String header, String token) {
        assertEquals(new BearerToken.Present(token), BearerToken.from(header));
    }

    @ParameterizedTest(name = "[{0}] is malformed")
    @CsvSource(delimiter = '|', value = {
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "'Bearer '",
        "Bearerabc",
        "Bearer\tabc",
        "Bearer abc def",
        "Bearer abc,def",
        "Bearer =abc",
        "Bearer ab=c",
        "Bearer abc\"",
        "Bearers abc",
        "Token abc",
    })
    void anythingElseIsMalformedNotMissing(String header) {
        assertInstanceOf(BearerToken.Malformed.class, BearerToken.from(header));
    }

    @Test
    void noHeaderOrAnEmptyOneIsMissing() {
        assertInstanceOf(BearerToken.Missing.class, BearerToken.from(null));
        assertInstanceOf(BearerToken.Missing.class, BearerToken.from(""));
        assertInstanceOf(BearerToken.Missing.class, BearerToken.from("  "));
    }
}
