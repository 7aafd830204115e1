package io.gatehouse.upstream.balance;

/**
 * The 64-bit hashing the sticky strategies share: FNV-1a over the chars of a text, finished with
 * MurmurHash3's 64-bit mixer so that every input bit moves every output bit, and SplitMix64 for the
 * derived sequences (rehashes, points on a ring). Plain arithmetic on longs: nothing allocates.
 */
final class Hashing {
    /** FNV-1a's 64-bit offset basis: the state before any char. */
    static final long START = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** 2^64 / golden ratio, SplitMix64's increment. */
    static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Hashing() {
    }

    /** Adds one char to a hash under way. */
    static long add(long state, char c) {
        return (state ^ c) * FNV_PRIME;
    }

    /** Adds {@code text}'s chars {@code from} (inclusive) to {@code to} (exclusive) to a hash under way. */
    static long add(long state, String text, int from, int to) {
        long h = state;
        for (int i = from; i < to; i++) {
            h = (h ^ text.charAt(i)) * FNV_PRIME;
        }
        return h;
    }

    /** The finished hash of a state; never {@link RequestKey#NO_KEY}. */
    static long finish(long state) {
        return key(mix(state));
    }

    /** The finished hash of all of {@code text}; never {@link RequestKey#NO_KEY}. */
    static long of(String text) {
        return finish(add(START, text, 0, text.length()));
    }

    /** MurmurHash3's fmix64: a bijection on longs with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The {@code n}th value (from 0) of the SplitMix64 sequence seeded with {@code seed}. */
    static long sequence(long seed, int n) {
        long z = seed + (n + 1L) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** {@code h}, moved off {@link RequestKey#NO_KEY}, which means "no key". */
    static long key(long h) {
        return h == RequestKey.NO_KEY ? 0x6a09e667f3bcc909L : h;
    }
}
