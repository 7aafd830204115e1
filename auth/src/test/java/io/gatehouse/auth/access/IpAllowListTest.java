package io.gatehouse.auth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAllowListTest {
    private static final IpAllowList RULES = IpAllowList.parse("ips", List.of(
            "10.0.0.0/8", " 192.168.1.7 ", "172.16.5.9/24", "2001:db8::/32", "::1", "fe80::/10", "0.0.0.0/32"))
            .list();

    @ParameterizedTest(name = "{0} allowed: {1}")
    @CsvSource({
            "10.0.0.0, true",
            "10.255.255.255, true",
            "9.255.255.255, false",
            "11.0.0.0, false",
            "192.168.1.7, true",
            "192.168.1.8, false",
            "192.168.1.6, false",
            "172.16.5.0, true",
            "172.16.5.1, true",
            "172.16.5.255, true",
            "172.16.6.0, false",
            "172.16.4.255, false",
            "0.0.0.0, true",
            "0.0.0.1, false",
            "255.255.255.255, false",
            "2001:db8::1, true",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "2001:db9::, false",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff, false",
            "::1, true",
            "::2, false",
            "::, false",
            "fe80::1234, true",
            "febf:ffff::1, true",
            "fec0::, false",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false",
    })
    void anAddressIsAllowedExactlyWhenItLiesInAnEntry(String client, boolean allowed) throws Exception {
        assertEquals(allowed, RULES.allows(InetAddress.getByName(client)));
    }

    @ParameterizedTest(name = "{0} allowed: {1}")
    @CsvSource({
            "10.0.0.1, true",
            "192.168.1.7, true",
            "11.0.0.1, false",
    })
    void anIpv4MappedIpv6ClientIsMatchedAgainstTheIpv4Entries(String ipv4, boolean allowed) throws Exception {
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(client instanceof Inet6Address, "the test needs a real IPv6 form of the mapped address");
        assertEquals(allowed, RULES.allows(client));
        assertEquals(allowed, RULES.allows(InetAddress.getByName("::ffff:" + ipv4)));
    }

    @Test
    void aHostAddressWithAPrefixStandsForItsWholeBlockAndSaysSo() throws Exception {
        IpAllowList.Parsed parsed = IpAllowList.parse("ips", List.of("10.1.2.5/24", "2001:db8::7/64", "10.9.0.0/16"));
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("10.1.2.0/24", "2001:db8::/64", "10.9.0.0/16"), parsed.list().blocks());
        assertEquals(List.of("ips: 10.1.2.5/24 is read as 10.1.2.0/24", "ips: 2001:db8::7/64 is read as 2001:db8::/64"),
                parsed.warnings());
        assertTrue(parsed.list().allows(InetAddress.getByName("10.1.2.200")));
        assertTrue(parsed.list().allows(InetAddress.getByName("2001:db8::ffff")));
        assertFalse(parsed.list().allows(InetAddress.getByName("10.1.3.5")));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"10.0.0.300/8", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "10.1", "10.0.0.*",
            "10.0.0.1-5", "localhost", "example.com", "fe80::1%eth0", "unknown", "1.2.3.4:80", "[::1]", "::1/-1",
            "2001:db8::g", "1.2.3.4/8/8", "*", ""})
    void anEntryThatIsNotAnAddressOrBlockIsAProblemNamingItAndTheRestStillApply(String bad) throws Exception {
        IpAllowList.Parsed parsed = IpAllowList.parse("ips", List.of("10.0.0.0/8", bad, "::1"));
        String shown = bad.isEmpty() ? "an empty entry" : bad;
        assertEquals(List.of("ips: " + shown + " is not an IPv4 or IPv6 address or CIDR block"), parsed.problems());
        assertEquals(List.of("10.0.0.0/8", "::1"), parsed.list().blocks());
        assertTrue(parsed.list().allows(InetAddress.getByName("10.2.3.4")));
        assertTrue(parsed.list().allows(InetAddress.getByName("::1")));
    }

    @Test
    void everyBadEntryIsReportedNotOnlyTheFirst() {
        IpAllowList.Parsed parsed = IpAllowList.parse("ips", List.of("10.0.0.300/8", "192.168.1.7", "nope"));
        assertEquals(List.of("ips: 10.0.0.300/8 is not an IPv4 or IPv6 address or CIDR block",
                "ips: nope is not an IPv4 or IPv6 address or CIDR block"), parsed.problems());
    }

    @Test
    void overlappingAndAdjacentEntriesAreMergedWithoutLosingAnyAddress() throws Exception {
        IpAllowList list = IpAllowList.parse("ips", List.of("10.0.1.0/24", "10.0.0.0/16", "10.1.0.0/16",
                "10.0.0.5", "192.168.0.0/24", "192.168.1.0/24")).list();
        for (String in : List.of("10.0.0.0", "10.0.255.255", "10.1.0.0", "10.1.255.255", "192.168.0.0", "192.168.1.255")) {
            assertTrue(list.allows(InetAddress.getByName(in)), in);
        }
        for (String out : List.of("9.255.255.255", "10.2.0.0", "192.167.255.255", "192.168.2.0")) {
            assertFalse(list.allows(InetAddress.getByName(out)), out);
        }
    }

    @Test
    void anEmptyListAllowsNothing() throws Exception {
        assertFalse(IpAllowList.NONE.allows(InetAddress.getByName("127.0.0.1")));
        assertFalse(IpAllowList.parse("ips", List.of()).list().allows(InetAddress.getByName("::1")));
        assertTrue(IpAllowList.parse("ips", List.of()).list().isEmpty());
    }

    @Test
    void theWholeAddressSpaceOfEachFamilyCanBeAllowed() throws Exception {
        IpAllowList all = IpAllowList.parse("ips", List.of("0.0.0.0/0", "::/0")).list();
        for (String any : List.of("0.0.0.0", "255.255.255.255", "128.0.0.1", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "8000::1")) {
            assertTrue(all.allows(InetAddress.getByName(any)), any);
        }
        IpAllowList v4only = IpAllowList.parse("ips", List.of("0.0.0.0/0")).list();
        assertFalse(v4only.allows(InetAddress.getByName("2001:db8::1")));
    }
}
