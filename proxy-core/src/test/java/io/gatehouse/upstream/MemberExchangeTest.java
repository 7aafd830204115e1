package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A member exchange against a scripted member on a socket, with no client anywhere. */
class MemberExchangeTest {
    private MemberSide side;

    @BeforeEach
    void start() {
        side = MemberSide.start();
    }

    @AfterEach
    void stop() {
        side.close();
    }

    @Test
    void aWholeAnswerReachesTheSinkAndItsConnectionIsKeptForTheNext() throws Exception {
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("hello"))) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/a"));
            assertEquals("end", first.await());
            assertEquals(200, first.status);
            assertEquals(5, first.bodyLength);
            assertEquals("hello", first.bodyText());
            MemberState state = cluster.members().get(0);
            assertEquals(1, side.idle(state));
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/b")).await());
            assertEquals(1, m.connections(), "the second request went on the kept connection");
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.active());
            assertTrue(state.lastToHeadNanos() >= 0 && state.lastToEndNanos() >= state.lastToHeadNanos());
        }
    }
}
