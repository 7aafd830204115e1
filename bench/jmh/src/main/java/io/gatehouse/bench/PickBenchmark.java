package io.gatehouse.bench;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.upstream.BenchMembers;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.PickerContext;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.Strategies;
import io.gatehouse.upstream.balance.TriedMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one pick, per strategy and cluster size, as the running proxy picks: thread-local
 * randomness, {@code System.nanoTime()}, a different request key each time (1,024 keys in turn), members
 * of weights 1 to 3 with a few requests in flight and latency samples (so that least_conn and ewma have
 * something to compare), nothing tried yet. Run with {@code -prof gc} for the bytes allocated per pick.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickBenchmark {
    @Param({"round_robin", "least_conn", "ip_hash", "consistent_hash", "random_two", "ewma"})
    public String strategy;

    @Param({"2", "16", "256"})
    public int members;

    private Picker picker;
    private final long[] hashes = new long[1024];
    private int next;
    private final RequestKey key = new RequestKey() {
        @Override
        public long hash(HashKey k) {
            return hashes[next];
        }
    };

    @Setup
    public void setUp() {
        SourcePos pos = new SourcePos("bench.conf", 1);
        SplittableRandom random = new SplittableRandom(42);
        List<ClusterMember> list = new ArrayList<>();
        List<MemberSpec> specs = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < members; i++) {
            MemberState state = BenchMembers.state(10_000 + i);
            int weight = 1 + i % 3;
            list.add(new ClusterMember(state, weight, false));
            specs.add(new MemberSpec(pos, state.key().address(), weight, false));
        }
        ClusterSpec spec = new ClusterSpec(pos, "bench", specs, false, strategy, List.of(), List.of(),
                ClusterSpec.DEFAULT_RESOLVE_INTERVAL);
        picker = Strategies.byName(strategy).orElseThrow().newPicker(PickerContext.of(spec, list));
        for (ClusterMember m : list) {
            BenchMembers.load(m.state(), 1_000_000L + random.nextLong(9_000_000L), random.nextInt(4), now);
        }
        for (int i = 0; i < hashes.length; i++) {
            long h = random.nextLong();
            hashes[i] = h == RequestKey.NO_KEY ? 0 : h;
        }
    }

    @Benchmark
    public MemberState pick() {
        next = (next + 1) & (hashes.length - 1);
        return picker.pick(key, TriedMembers.NONE);
    }
}
