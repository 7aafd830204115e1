package io.gatehouse.upstream.http1;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Header names read off the wire, turned into {@link HttpString}s without making a {@code String}
 * first. Every name Undertow knows ({@link Headers}) comes back as Undertow's own constant, so later
 * lookups in a {@code HeaderMap} compare by identity; other names get a new {@code HttpString}.
 * Matching ignores ASCII case.
 */
public final class HeaderNames {
    private static final byte[] LOWER = new byte[256];
    private static final HttpString[] NAMES;
    private static final byte[][] LOWERED;
    private static final int MASK;

    static {
        for (int i = 0; i < 256; i++) {
            LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + ('a' - 'A') : i);
        }
        List<HttpString> known = new ArrayList<>();
        for (Field f : Headers.class.getFields()) {
            if (f.getType() == HttpString.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    known.add((HttpString) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
        int size = Integer.highestOneBit(Math.max(16, known.size() * 4) - 1) << 1;
        NAMES = new HttpString[size];
        LOWERED = new byte[size][];
        MASK = size - 1;
        for (HttpString name : known) {
            byte[] bytes = new byte[name.length()];
            name.copyTo(bytes, 0);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = LOWER[bytes[i] & 0xff];
            }
            int slot = hash(bytes, 0, bytes.length) & MASK;
            while (NAMES[slot] != null && !same(LOWERED[slot], bytes, 0, bytes.length)) {
                slot = (slot + 1) & MASK;
            }
            if (NAMES[slot] == null) {
                NAMES[slot] = name;
                LOWERED[slot] = bytes;
            }
        }
    }

    private HeaderNames() {
    }

    /** The name in {@code bytes[offset, offset + length)}: Undertow's constant when there is one. */
    public static HttpString of(byte[] bytes, int offset, int length) {
        int slot = hash(bytes, offset, length) & MASK;
        HttpString name;
        while ((name = NAMES[slot]) != null) {
            if (same(LOWERED[slot], bytes, offset, length)) {
                return name;
            }
            slot = (slot + 1) & MASK;
        }
        return new HttpString(bytes, offset, length);
    }

    private static int hash(byte[] bytes, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + LOWER[bytes[i] & 0xff];
        }
        return h ^ (h >>> 16);
    }

    private static boolean same(byte[] lowered, byte[] bytes, int offset, int length) {
        if (lowered.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (lowered[i] != LOWER[bytes[offset + i] & 0xff]) {
                return false;
            }
        }
        return true;
    }
}
