package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newest paired frames of the stream, whatever the router did with them, for cross-modal self-distillation: a
 * round gives each kept pair the live student's own embedding of its RGB frame as the target for its non-RGB frame.
 * The teacher labels a few percent of the frames; the student labels every one, and on RGB it is far better than on a
 * modality it never learnt, so those pairs teach that modality what the student already knows from RGB.
 *
 * <p>A kept pair also gets a <em>companion</em>: the frame of a modality the student was distilled on (depth) that
 * frame sync paired with the same RGB frame on the same device, when there is one — the same moment seen by a third
 * sensor, which the student reads well, so a round can make the target from two views instead of one. Companions come
 * from the pairs offered to {@link #offerCompanion}, matched by the RGB frame's identity whichever pair arrives first;
 * the newest {@value #RECENT_COMPANIONS} unmatched ones are kept waiting.
 *
 * <p>Which pairs are kept is hashed from their identity (the same frame always in or always out, so a replay after a
 * restart keeps the same ones), at most {@code capacity} per modality, the newest first. Not thread-safe.
 */
final class SelfTargetPool {
    /** Frames offered as companions that no kept pair has claimed yet, the newest kept. */
    static final int RECENT_COMPANIONS = 1024;

    private final double sampleRate;
    private final int capacity;
    private final Map<Modality, ArrayDeque<Kept>> pools = new EnumMap<>(Modality.class);
    private final Set<String> ids = new HashSet<>();
    /** Kept pairs without a companion yet, by their RGB frame's identity. */
    private final Map<String, Kept> awaiting = new HashMap<>();
    /** Companions no kept pair has claimed yet, by their RGB frame's identity, oldest first. */
    private final Map<String, SensorFrame> unclaimed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SensorFrame> eldest) {
            return size() > RECENT_COMPANIONS;
        }
    };

    /** A kept pair and its companion frame (null without one). */
    record Entry(FramePair pair, SensorFrame companion) {}

    private static final class Kept {
        final String id;
        final String rgbId;
        final FramePair pair;
        SensorFrame companion;

        Kept(String id, String rgbId, FramePair pair) {
            this.id = id;
            this.rgbId = rgbId;
            this.pair = pair;
        }
    }

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
        Kept kept = new Kept(ReplayBuffer.identity(pair.getAux()), ReplayBuffer.identity(pair.getRgb()), pair);
        ids.add(kept.id);
        kept.companion = unclaimed.remove(kept.rgbId);
        if (kept.companion == null) {
            awaiting.put(kept.rgbId, kept);
        }
        ArrayDeque<Kept> pool = pools.computeIfAbsent(pair.getAux().getModality(), m -> new ArrayDeque<>());
        pool.addLast(kept);
        while (pool.size() > capacity) {
            Kept dropped = pool.removeFirst();
            ids.remove(dropped.id);
            awaiting.remove(dropped.rgbId, dropped);
        }
        return true;
    }

    /**
     * Offers the non-RGB frame of a pair of another modality as the companion of a kept pair with the same RGB frame:
     * given to it when it is kept already, else kept waiting for it. Returns whether a kept pair took it.
     */
    boolean offerCompanion(FramePair pair) {
        if (capacity == 0 || pair.getRgb() == null || pair.getAux().getModality() == Modality.RGB) {
            return false;
        }
        String rgbId = ReplayBuffer.identity(pair.getRgb());
        Kept kept = awaiting.remove(rgbId);
        if (kept == null) {
            unclaimed.put(rgbId, pair.getAux());
            return false;
        }
        kept.companion = pair.getAux();
        return true;
    }

    /** The kept pairs of these modalities with their companions, oldest first. */
    List<Entry> entries(Set<Modality> modalities) {
        List<Entry> out = new ArrayList<>();
        for (Modality m : modalities) {
            ArrayDeque<Kept> pool = pools.get(m);
            if (pool != null) {
                pool.forEach(k -> out.add(new Entry(k.pair, k.companion)));
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
