package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberTlsSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@link HostPort}, {@link MemberKey} and {@link MemberTlsSpec} write their equals and hashCode out (a
 * record's generated ones cost the start a bootstrap): equal exactly when every component is, with equal
 * hashes, as a record's would be.
 */
class MemberKeyEqualityTest {
    @Test
    void equalExactlyWhenEveryComponentIsWithEqualHashes() {
        TestCa ca = TestCa.create("CN=Equality Test CA");
        List<MemberTlsSpec> trusts = List.of(MemberTlsSpec.SYSTEM, MemberTlsSpec.UNVERIFIED,
                MemberTlsSpec.ca(Path.of("/etc/a.pem"), List.of(ca.certificate())),
                MemberTlsSpec.ca(Path.of("/etc/b.pem"), List.of(ca.certificate())));
        List<HostPort> addresses = List.of(new HostPort("127.0.0.1", 80), new HostPort("127.0.0.1", 81),
                new HostPort("::1", 80), new HostPort("localhost", 80));
        List<MemberKey> keys = new ArrayList<>();
        for (boolean tls : new boolean[] {false, true}) {
            for (HostPort a : addresses) {
                for (MemberTlsSpec t : trusts) {
                    keys.add(new MemberKey(tls, a, t));
                }
            }
        }
        for (MemberKey x : keys) {
            // a copy made of equal (not the same) components
            MemberKey copy = new MemberKey(x.tls(), new HostPort(new String(x.address().host()), x.address().port()),
                    new MemberTlsSpec(x.trust().verify(), x.trust().caFile(), List.copyOf(x.trust().caCertificates()),
                            x.trust().client()));
            assertEquals(x, copy);
            assertEquals(x.hashCode(), copy.hashCode());
            for (MemberKey y : keys) {
                boolean same = x.tls() == y.tls() && x.address().host().equals(y.address().host())
                        && x.address().port() == y.address().port() && x.trust().verify() == y.trust().verify()
                        && x.trust().caFile().equals(y.trust().caFile())
                        && x.trust().caCertificates().equals(y.trust().caCertificates());
                assertEquals(same, x.equals(y), x + " / " + y);
                assertEquals(same, x.address().equals(y.address()) && x.trust().equals(y.trust()) && x.tls() == y.tls(),
                        x + " / " + y);
            }
        }
        assertEquals(false, new HostPort("a", 1).equals(null));
        assertEquals(false, Objects.equals(MemberTlsSpec.SYSTEM, "SYSTEM"));
    }
}
