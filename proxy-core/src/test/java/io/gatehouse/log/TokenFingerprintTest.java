package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenFingerprintTest {

    @Test
    void fingerprintIsTheFirstTwelveHexDigitsOfSha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("sha256:ba7816bf8f01", TokenFingerprint.of("abc"));
    }

    @Test
    void sameTokenGivesTheSameFingerprintAndOthersDiffer() {
        String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoYW5zcm9oIn0.c2lnbmF0dXJl";
        String fp = TokenFingerprint.of(token);
        assertEquals(fp, TokenFingerprint.of(token));
        assertNotEquals(fp, TokenFingerprint.of(token + "x"));
        assertTrue(fp.matches("sha256:[0-9a-f]{12}"), fp);
        assertFalse(fp.contains("eyJ"));
    }

    @Test
    void aTokenHashedAgainOnTheSameThreadGetsItsOwnDigestWhateverWasHashedBetween() {
        String a = "token-a";
        String b = new String("token-b".toCharArray());
        byte[] first = TokenFingerprint.sha256(a);
        byte[] again = TokenFingerprint.sha256(a);
        assertArrayEquals(first, again);
        assertNotSame(first, again, "a new array each time: a caller may not change another's digest");
        again[0] ^= 1;
        assertArrayEquals(first, TokenFingerprint.sha256(a));
        assertFalse(java.util.Arrays.equals(first, TokenFingerprint.sha256(b)));
        assertArrayEquals(first, TokenFingerprint.sha256(new String("token-a".toCharArray())), "an equal text, another instance");
        assertEquals("sha256:ba7816bf8f01", TokenFingerprint.of(new String("abc".toCharArray())));
        assertEquals("sha256:ba7816bf8f01", TokenFingerprint.of("abc"));
    }

    @Test
    void noTokenGivesNoFingerprintSoTheLogPrintsDash() {
        assertNull(TokenFingerprint.of(null));
        assertNull(TokenFingerprint.of(""));
    }

    @Test
    void fingerprintIsAPlainLogFieldWithoutEscapes() {
        RequestLogRecord r = Records.withStrings("c:1", "s:2", "GET", "/", "HTTP/1.1", "g", "u",
                TokenFingerprint.of("secret"), "ua");
        assertEquals(TokenFingerprint.of("secret"), RequestLogFormatter.parse(RequestLogFormatter.format(r)).get(13));
    }
}
