package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newest paired frames of the stream, whatever the router did with them, for cross-modal self-distillation: a
 * round gives each kept pair the live student's own embedding of its RGB frame as the target for its non-RGB frame.
 * The teacher labels a few percent of the frames; the student labels every one, and on RGB it is far better than on a
 * modality it never learnt, so those pairs teach that modality what the student already knows from RGB.
 *
 * <p>Which pairs are kept is hashed from their identity (the same frame always in or always out, so a replay after a
 * restart keeps the same ones), at most {@code capacity} per modality, the newest first. Not thread-safe.
 */
final class SelfTargetPool {
    private final double sampleRate;
    private final int capacity;
    private final Map<Modality, ArrayDeque<Kept>> pools = new EnumMap<>(Modality.class);
    private final Set<String> ids = new HashSet<>();

    private record Kept(String id, FramePair pair) {}

    /**
     * @param sampleRate share of the offered pairs kept, by a hash of each pair's identity
     * @param capacity pairs kept per non-RGB modality; 0 keeps none
     */
    SelfTargetPool(double sampleRate, int capacity) {
        if (!(sampleRate >= 0 && sampleRate <= 1) || capacity < 0) {
            throw new IllegalArgumentException("a pool needs a rate between 0 and 1 and a capacity of at least 0");
        }
        this.sampleRate = sampleRate;
        this.capacity = capacity;
    }

    /** Whether {@link #offer} would keep the pair: it has both frames, falls in the sample and is not kept yet. */
    boolean wants(FramePair pair) {
        if (capacity == 0 || pair.getRgb() == null || pair.getAux().getModality() == Modality.RGB) {
            return false;
        }
        String id = ReplayBuffer.identity(pair.getAux());
        return ReplayBuffer.unit(id, "self-target") < sampleRate && !ids.contains(id);
    }

    /** Keeps the pair when {@link #wants} it, dropping the modality's oldest beyond the capacity; returns whether. */
    boolean offer(FramePair pair) {
        if (!wants(pair)) {
            return false;
        }
        String id = ReplayBuffer.identity(pair.getAux());
        ids.add(id);
        ArrayDeque<Kept> pool = pools.computeIfAbsent(pair.getAux().getModality(), m -> new ArrayDeque<>());
        pool.addLast(new Kept(id, pair));
        while (pool.size() > capacity) {
            ids.remove(pool.removeFirst().id());
        }
        return true;
    }

    /** The kept pairs of these modalities, oldest first. */
    List<FramePair> pairs(Set<Modality> modalities) {
        List<FramePair> out = new ArrayList<>();
        for (Modality m : modalities) {
            ArrayDeque<Kept> pool = pools.get(m);
            if (pool != null) {
                pool.forEach(k -> out.add(k.pair()));
            }
        }
        return out;
    }

    /** Pairs kept over every modality. */
    int size() {
        return ids.size();
    }

    int size(Modality modality) {
        ArrayDeque<Kept> pool = pools.get(modality);
        return pool == null ? 0 : pool.size();
    }
}
