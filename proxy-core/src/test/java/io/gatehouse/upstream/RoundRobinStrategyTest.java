package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.RoundRobinStrategy;
import io.gatehouse.upstream.balance.TriedMembers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {
    private static final RequestKey KEY = RequestKey.NONE;

    private static MemberState member(int port) {
        return Members.state(port);
    }

    private static String names(Picker picker, Map<MemberState, String> name, int picks) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            out.append(name.get(picker.pick(KEY, TriedMembers.NONE)));
        }
        return out.toString();
    }

    @Test
    void equalMembersTakeTurns() {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        Picker p = new RoundRobinStrategy().newPicker(Members.context(ClusterMember.plain(a), ClusterMember.plain(b),
                ClusterMember.plain(c)));
        assertEquals("abcabcabc", names(p, Map.of(a, "a", b, "b", c, "c"), 9));
    }

    @Test
    void weightsAreSpreadSmoothlyAsNginxDoes() {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        Picker p = new RoundRobinStrategy().newPicker(Members.context(new ClusterMember(a, 5, false),
                new ClusterMember(b, 1, false), new ClusterMember(c, 1, false)));
        assertEquals("aabacaa".repeat(3), names(p, Map.of(a, "a", b, "b", c, "c"), 21));
    }

    @Test
    void sharesFollowTheWeightsExactly() {
        MemberState a = member(1);
        MemberState b = member(2);
        Picker p = new RoundRobinStrategy().newPicker(Members.context(new ClusterMember(a, 3, false),
                new ClusterMember(b, 1, false)));
        Map<MemberState, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(p.pick(KEY, TriedMembers.NONE), 1, Integer::sum);
        }
        assertEquals(300, counts.get(a));
        assertEquals(100, counts.get(b));
    }

    @Test
    void backupsServeOnlyWhenNoOtherMemberIsUsable() {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState spare = member(3);
        Picker p = new RoundRobinStrategy().newPicker(Members.context(ClusterMember.plain(a), ClusterMember.plain(b),
                new ClusterMember(spare, 1, true)));
        Map<MemberState, String> name = Map.of(a, "a", b, "b", spare, "s");
        assertEquals("abababab", names(p, name, 8));
        a.markDown(true);
        assertEquals("bbbb", names(p, name, 4));
        b.markDown(true);
        assertEquals("ssss", names(p, name, 4), "the backup steps in once every other member is down");
        assertSame(spare, p.pick(KEY, m -> m == a), "members already tried are skipped");
    }

    @Test
    void aRetryGoesToAMemberNotTriedYetAndNeverToOnesMarkedDown() {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState spare = member(3);
        Picker p = new RoundRobinStrategy().newPicker(Members.context(ClusterMember.plain(a), ClusterMember.plain(b),
                new ClusterMember(spare, 1, true)));
        Set<MemberState> tried = Set.of(a);
        assertSame(b, p.pick(KEY, tried::contains));
        a.markDown(true);
        b.markDown(true);
        spare.markDown(true);
        assertNull(p.pick(KEY, TriedMembers.NONE), "all down: a dead pool, answered 503 at once");
        assertNull(p.pick(KEY, m -> true), "nothing left untried");
    }
}
