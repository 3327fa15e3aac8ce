package dev.edgevl.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.zeroshot.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple3;
import org.junit.jupiter.api.Test;

class DeviceBudgetsTest {
    private static final TokenBucket BUCKET = new TokenBucket(0.5, 2);
    private static final long DAY = DeviceBudgets.TTL.toMillis();

    @Test
    void afterARescaleEveryInstanceKeepsTheNewestEntryPerDevice() {
        DeviceBudgets zero = new DeviceBudgets(BUCKET);
        DeviceBudgets one = new DeviceBudgets(BUCKET);
        for (int i = 0; i < 4; i++) {
            zero.offer("dev-a", TokenBucket.Ask.NONE, 1_000);
            one.offer("dev-b", TokenBucket.Ask.NONE, 1_000);
        }
        zero.offer("dev-b", TokenBucket.Ask.NONE, 500); // an older entry of dev-b, from before dev-b moved
        List<Tuple3<String, Long, Long>> union = new ArrayList<>(zero.snapshot(true, 2_000));
        union.addAll(one.snapshot(false, 2_000));

        DeviceBudgets restored = new DeviceBudgets(BUCKET);
        restored.restore(union);
        assertThat(restored.tokens("dev-a", 2_000)).isEqualTo(2.0);
        assertThat(restored.tokens("dev-b", 2_000)).as("the newer entry").isEqualTo(2.0);
        assertThat(restored.devices()).isEqualTo(2);
    }

    @Test
    void onlyTheKeeperWritesBackRestoredEntriesNoInstanceUsed() {
        DeviceBudgets restored = new DeviceBudgets(BUCKET);
        restored.restore(List.of(Tuple3.of("quiet", 1_000_000_000L, 0L), Tuple3.of("busy", 0L, 0L)));
        restored.offer("busy", TokenBucket.Ask.NONE, 10);

        assertThat(restored.snapshot(false, 20)).extracting(t -> t.f0).containsExactly("busy");
        assertThat(restored.snapshot(true, 20)).extracting(t -> t.f0).containsExactlyInAnyOrder("busy", "quiet");
    }

    @Test
    void aDeviceQuietForLongerThanTheTtlStartsAgainEmptyAndIsDropped() {
        DeviceBudgets budgets = new DeviceBudgets(BUCKET);
        budgets.offer("dev-a", TokenBucket.Ask.NONE, 0);
        budgets.offer("dev-a", TokenBucket.Ask.NONE, 0);
        assertThat(budgets.tokens("dev-a", DAY)).isEqualTo(1.0);
        assertThat(budgets.tokens("dev-a", DAY + 1)).isZero();
        assertThat(budgets.offer("dev-a", TokenBucket.Ask.ANY, DAY + 1))
                .as("half a token after expiry")
                .isFalse();
        assertThat(budgets.snapshot(true, 3 * DAY)).isEmpty();
        assertThat(budgets.devices()).isZero();
    }
}
