package io.gatehouse.auth.access;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The networks a list such as {@code ips = 10.0.0.0/8, 2001:db8::/32, ::1} lets in, matched in a
 * binary search per address family.
 *
 * <p>Each entry is an IPv4 or IPv6 address or CIDR block. An address with host bits under its prefix
 * stands for its whole block, as nginx's {@code allow} reads it: {@code 10.1.2.5/24} is
 * {@code 10.1.2.0/24}, and a warning says so. An IPv4-mapped IPv6 client ({@code ::ffff:10.0.0.1}) is
 * matched against the IPv4 entries; IPv6 entries match IPv6 clients. Overlapping entries are merged into
 * sorted, disjoint ranges at parse time, so {@link #allows} reads the address bytes and does one binary
 * search.
 */
public final class IpAllowList {
    /** An empty list: allows nothing. */
    public static final IpAllowList NONE = new IpAllowList(List.of(), new long[0], new long[0], new long[0][], new long[0][]);

    private final List<String> blocks;
    private final long[] v4Start;
    private final long[] v4End;
    /** {high 64 bits, low 64 bits} of each IPv6 range's first and last address. */
    private final long[][] v6Start;
    private final long[][] v6End;

    /**
     * The list parsed from {@code entries}, with a problem per entry that is not an address or block.
     *
     * @param key       the configuration key the entries came from, e.g. {@code ips}, for messages
     * @param list      the entries that parsed (the bad ones left out)
     * @param problems  errors, e.g. {@code ips: 10.0.0.300/8 is not an IPv4 or IPv6 address or CIDR block}
     * @param warnings  entries read otherwise than written, e.g. {@code ips: 10.1.2.5/24 is read as 10.1.2.0/24}
     */
    public record Parsed(String key, IpAllowList list, List<String> problems, List<String> warnings) {
        public Parsed {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(list, "list");
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    private IpAllowList(List<String> blocks, long[] v4Start, long[] v4End, long[][] v6Start, long[][] v6End) {
        this.blocks = blocks;
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v6Start = v6Start;
        this.v6End = v6End;
    }

    /** Parses every entry (surrounding whitespace ignored) and reports each bad one, never stopping at the first. */
    public static Parsed parse(String key, List<String> entries) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        List<BigInteger[]> v4 = new ArrayList<>();
        List<BigInteger[]> v6 = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            IPAddress block = AddressText.block(entry);
            if (block == null) {
                problems.add(key + ": " + (entry.isEmpty() ? "an empty entry" : entry)
                        + " is not an IPv4 or IPv6 address or CIDR block");
                continue;
            }
            String text = block.toCompressedString();
            int slash = entry.indexOf('/');
            if (slash >= 0 && !AddressText.address(entry.substring(0, slash))
                    .equals(block.getLower().withoutPrefixLength())) {
                warnings.add(key + ": " + entry + " is read as " + text);
            }
            blocks.add(text);
            BigInteger[] range = {block.getLower().getValue(), block.getUpper().getValue()};
            (block.isIPv4() ? v4 : v6).add(range);
        }
        List<BigInteger[]> v4Merged = merge(v4);
        List<BigInteger[]> v6Merged = merge(v6);
        long[] v4Start = new long[v4Merged.size()];
        long[] v4End = new long[v4Merged.size()];
        for (int i = 0; i < v4Merged.size(); i++) {
            v4Start[i] = v4Merged.get(i)[0].longValue();
            v4End[i] = v4Merged.get(i)[1].longValue();
        }
        long[][] v6Start = new long[v6Merged.size()][];
        long[][] v6End = new long[v6Merged.size()][];
        for (int i = 0; i < v6Merged.size(); i++) {
            v6Start[i] = halves(v6Merged.get(i)[0]);
            v6End[i] = halves(v6Merged.get(i)[1]);
        }
        return new Parsed(key, new IpAllowList(List.copyOf(blocks), v4Start, v4End, v6Start, v6End), problems, warnings);
    }

    /** True if {@code client} lies in one of the entries. */
    public boolean allows(InetAddress client) {
        byte[] b = client.getAddress();
        if (b.length == 4) {
            return allowsV4(bits(b, 0, 4));
        }
        if (isIpv4Mapped(b)) {
            return allowsV4(bits(b, 12, 4));
        }
        return allowsV6(bits(b, 0, 8), bits(b, 8, 8));
    }

    /** True if the list has no entries (and so allows nothing). */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The entries as read, in the order written: {@code 10.1.2.0/24}, {@code ::1}. */
    public List<String> blocks() {
        return blocks;
    }

    @Override
    public String toString() {
        return String.join(", ", blocks);
    }

    private boolean allowsV4(long x) {
        int i = floor(v4Start, x);
        return i >= 0 && x <= v4End[i];
    }

    private boolean allowsV6(long hi, long lo) {
        int low = 0;
        int high = v6Start.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (compare(v6Start[mid], hi, lo) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found >= 0 && compare(v6End[found], hi, lo) >= 0;
    }

    /** Index of the last start at or below {@code x}, or -1. */
    private static int floor(long[] starts, long x) {
        int low = 0;
        int high = starts.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (starts[mid] <= x) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Compares the 128-bit value {@code pair} with {@code hi:lo}, unsigned. */
    private static int compare(long[] pair, long hi, long lo) {
        int c = Long.compareUnsigned(pair[0], hi);
        return c != 0 ? c : Long.compareUnsigned(pair[1], lo);
    }

    static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long bits(byte[] b, int from, int count) {
        long v = 0;
        for (int i = from; i < from + count; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static long[] halves(BigInteger v) {
        return new long[] {v.shiftRight(64).longValue(), v.longValue()};
    }

    /** Sorts ranges by start and joins the ones that overlap or touch. */
    private static List<BigInteger[]> merge(List<BigInteger[]> ranges) {
        ranges.sort(Comparator.comparing((BigInteger[] r) -> r[0]));
        List<BigInteger[]> merged = new ArrayList<>();
        for (BigInteger[] r : ranges) {
            BigInteger[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0].compareTo(last[1].add(BigInteger.ONE)) <= 0) {
                last[1] = last[1].max(r[1]);
            } else {
                merged.add(new BigInteger[] {r[0], r[1]});
            }
        }
        return merged;
    }
}
