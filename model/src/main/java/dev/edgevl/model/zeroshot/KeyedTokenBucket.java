package dev.edgevl.model.zeroshot;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link TokenBucket} balance per key (per device) in memory, for callers without keyed state of
 * their own. Not thread-safe: one instance per thread, or per operator instance.
 *
 * @param <K> the key type
 */
public final class KeyedTokenBucket<K> {

    private final TokenBucket bucket;
    private final Map<K, Long> balances = new HashMap<>();

    public KeyedTokenBucket(TokenBucket bucket) {
        this.bucket = bucket;
    }

    /** One frame of {@code key} seen, asking as {@code ask} says; true when it may go. */
    public boolean offer(K key, TokenBucket.Ask ask) {
        long before = balances.getOrDefault(key, bucket.initialBalance());
        TokenBucket.Outcome outcome = bucket.offer(before, ask);
        balances.put(key, outcome.balance());
        return outcome.granted();
    }

    /** The key's tokens now; a key never seen has a full bucket. */
    public double tokens(K key) {
        return TokenBucket.tokens(balances.getOrDefault(key, bucket.initialBalance()));
    }

    /** Drops a key that will not come back (a device leaving the fleet), so the map does not grow forever. */
    public void forget(K key) {
        balances.remove(key);
    }

    public int keys() {
        return balances.size();
    }
}
