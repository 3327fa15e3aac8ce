package dev.edgevl.inference;

import dev.edgevl.model.zeroshot.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple3;

/**
 * Each device's teacher budget (a {@link TokenBucket} balance) in one annotating instance, kept as operator state so
 * the operator needs no keyed stream: a device's frames come from one partition of {@code frames.paired} (the key is
 * the device), so one instance sees all of them.
 *
 * <p>Checkpointed as union list state of {@code (device, balance, lastSeenMillis)}: after a restore, at any
 * parallelism, every instance gets every entry and keeps the newest per device, whichever instance now reads that
 * device. An instance writes back the entries it has used since; instance 0 also writes the restored ones no instance
 * has used yet, so a device that is quiet across a restore keeps its balance. A device unseen for {@link #TTL} starts
 * again from an empty bucket and its entry is dropped. Not thread-safe: one per operator instance.
 */
final class DeviceBudgets {
    /** How long a quiet device's balance is kept. */
    static final Duration TTL = Duration.ofDays(1);

    private final TokenBucket bucket;
    private final Map<String, Entry> entries = new HashMap<>();

    DeviceBudgets(TokenBucket bucket) {
        this.bucket = bucket;
    }

    private static final class Entry {
        long balance;
        long lastSeen;
        boolean used;

        Entry(long balance, long lastSeen, boolean used) {
            this.balance = balance;
            this.lastSeen = lastSeen;
            this.used = used;
        }
    }

    /** One frame of {@code device} seen at {@code nowMillis}, asking as {@code ask} says; true when it may go. */
    boolean offer(String device, TokenBucket.Ask ask, long nowMillis) {
        Entry e = entries.get(device);
        long before = e == null || expired(e, nowMillis) ? bucket.initialBalance() : e.balance;
        TokenBucket.Outcome outcome = bucket.offer(before, ask);
        if (e == null) {
            entries.put(device, new Entry(outcome.balance(), nowMillis, true));
        } else {
            e.balance = outcome.balance();
            e.lastSeen = nowMillis;
            e.used = true;
        }
        return outcome.granted();
    }

    /** Adds restored entries, keeping the newest per device. */
    void restore(Iterable<Tuple3<String, Long, Long>> restored) {
        for (Tuple3<String, Long, Long> t : restored) {
            Entry e = entries.get(t.f0);
            if (e == null || t.f2 > e.lastSeen) {
                entries.put(t.f0, new Entry(t.f1, t.f2, false));
            }
        }
    }

    /**
     * What this instance checkpoints: the entries it has used since the restore, and with {@code keeper} also those no
     * instance has; expired entries are dropped on the way.
     */
    List<Tuple3<String, Long, Long>> snapshot(boolean keeper, long nowMillis) {
        List<Tuple3<String, Long, Long>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> m = it.next();
            Entry e = m.getValue();
            if (expired(e, nowMillis)) {
                it.remove();
            } else if (e.used || keeper) {
                out.add(Tuple3.of(m.getKey(), e.balance, e.lastSeen));
            }
        }
        return out;
    }

    /** The device's tokens now (an unknown or expired device has an empty bucket). */
    double tokens(String device, long nowMillis) {
        Entry e = entries.get(device);
        return TokenBucket.tokens(e == null || expired(e, nowMillis) ? bucket.initialBalance() : e.balance);
    }

    int devices() {
        return entries.size();
    }

    private static boolean expired(Entry e, long nowMillis) {
        return nowMillis - e.lastSeen > TTL.toMillis();
    }
}
