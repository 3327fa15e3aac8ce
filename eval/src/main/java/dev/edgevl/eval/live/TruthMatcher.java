package dev.edgevl.eval.live;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs items (annotations, sampled frame pairs) with the ground-truth label of the same frame,
 * whichever arrives first. Both sides wait in bounded buffers; when one is full its oldest entry
 * goes and is counted, so a lost topic shows up as evictions instead of as growing memory.
 *
 * <p>Truth for frames that never get an item (RGB sensors, unsampled pairs) is expected to age out:
 * only evicted <em>items</em> mean a figure is missing something. Not thread-safe.
 */
final class TruthMatcher<T> {
    /** An item and the label of its frame. */
    record Match<T>(FrameKey key, T item, String label) {}

    private final int capacity;
    private final LinkedHashMap<FrameKey, String> truths = new LinkedHashMap<>();
    private final LinkedHashMap<FrameKey, T> waiting = new LinkedHashMap<>();
    private long evictedItems;
    private long evictedTruths;
    private long matched;

    TruthMatcher(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    Optional<Match<T>> offerItem(FrameKey key, T item) {
        String label = truths.remove(key);
        if (label != null) {
            matched++;
            return Optional.of(new Match<>(key, item, label));
        }
        waiting.put(key, item);
        evictedItems += trim(waiting);
        return Optional.empty();
    }

    Optional<Match<T>> offerTruth(FrameKey key, String label) {
        T item = waiting.remove(key);
        if (item != null) {
            matched++;
            return Optional.of(new Match<>(key, item, label));
        }
        truths.put(key, label);
        evictedTruths += trim(truths);
        return Optional.empty();
    }

    private int trim(LinkedHashMap<FrameKey, ?> buffer) {
        int evicted = 0;
        Iterator<? extends Map.Entry<FrameKey, ?>> it = buffer.entrySet().iterator();
        while (buffer.size() > capacity && it.hasNext()) {
            it.next();
            it.remove();
            evicted++;
        }
        return evicted;
    }

    long matched() {
        return matched;
    }

    long evictedItems() {
        return evictedItems;
    }

    long evictedTruths() {
        return evictedTruths;
    }

    int waitingItems() {
        return waiting.size();
    }

    int waitingTruths() {
        return truths.size();
    }
}
