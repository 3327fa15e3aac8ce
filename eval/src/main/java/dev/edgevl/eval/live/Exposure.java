package dev.edgevl.eval.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which frames and devices each model version annotated, and so how much of the fleet saw a canary that was later
 * rolled back: for such a version, its frames against every frame annotated while it ran (the seconds of capture time
 * from its first frame to its last), and its devices against all. Frames are counted per second, so a long run costs a
 * counter per second, not per frame. Not thread-safe: the tally's lock guards it.
 */
public final class Exposure {
    /**
     * One rolled-back canary.
     *
     * @param frames the frames it annotated
     * @param framesMeanwhile every frame annotated in the seconds from its first to its last
     * @param devices the devices that ran it
     * @param allDevices the devices that sent annotations
     */
    public record RolledBack(long version, long frames, long framesMeanwhile, int devices, int allDevices) {
        public double frameShare() {
            return framesMeanwhile == 0 ? 0 : (double) frames / framesMeanwhile;
        }

        public double deviceShare() {
            return allDevices == 0 ? 0 : (double) devices / allDevices;
        }
    }

    private final Map<Long, long[]> perVersion = new HashMap<>(); // frames, first second, last second
    private final Map<Long, Set<String>> devicesPerVersion = new HashMap<>();
    private final Set<String> devices = new HashSet<>();
    private final Set<Long> rolledBack = new TreeSet<>();
    private final java.util.NavigableMap<Long, long[]> perSecond = new java.util.TreeMap<>();

    void annotated(Long version, String device, Instant capture) {
        long second = capture.getEpochSecond();
        perSecond.computeIfAbsent(second, k -> new long[1])[0]++;
        devices.add(device);
        if (version == null) {
            return;
        }
        long[] v = perVersion.computeIfAbsent(version, k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        v[0]++;
        v[1] = Math.min(v[1], second);
        v[2] = Math.max(v[2], second);
        devicesPerVersion.computeIfAbsent(version, k -> new HashSet<>()).add(device);
    }

    void rolledBack(long version) {
        rolledBack.add(version);
    }

    List<RolledBack> report() {
        List<RolledBack> out = new ArrayList<>();
        for (long version : rolledBack) {
            long[] v = perVersion.get(version);
            if (v == null) {
                out.add(new RolledBack(version, 0, 0, 0, devices.size()));
                continue;
            }
            long meanwhile = perSecond.subMap(v[1], true, v[2], true).values().stream()
                    .mapToLong(c -> c[0])
                    .sum();
            out.add(new RolledBack(
                    version, v[0], meanwhile, devicesPerVersion.get(version).size(), devices.size()));
        }
        return out;
    }
}
