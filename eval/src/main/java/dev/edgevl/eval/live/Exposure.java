package dev.edgevl.eval.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which frames and devices each model version annotated, and so how much of the fleet saw a canary that was later
 * rolled back: for such a version, its frames against every frame annotated while it ran (its first to its last), and
 * its devices against all. Not thread-safe: the tally's lock guards it.
 */
public final class Exposure {
    /**
     * One rolled-back canary.
     *
     * @param frames the frames it annotated
     * @param framesMeanwhile every frame annotated between its first and its last
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

    private final Map<Long, long[]> perVersion = new HashMap<>(); // frames, first micros, last micros
    private final Map<Long, Set<String>> devicesPerVersion = new HashMap<>();
    private final Set<String> devices = new HashSet<>();
    private final Set<Long> rolledBack = new TreeSet<>();
    private long[] times = new long[1024];
    private int count;

    void annotated(Long version, String device, Instant capture) {
        long micros = capture.getEpochSecond() * 1_000_000 + capture.getNano() / 1_000;
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
        }
        times[count++] = micros;
        devices.add(device);
        if (version == null) {
            return;
        }
        long[] v = perVersion.computeIfAbsent(version, k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        v[0]++;
        v[1] = Math.min(v[1], micros);
        v[2] = Math.max(v[2], micros);
        devicesPerVersion.computeIfAbsent(version, k -> new HashSet<>()).add(device);
    }

    void rolledBack(long version) {
        rolledBack.add(version);
    }

    List<RolledBack> report() {
        long[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        List<RolledBack> out = new ArrayList<>();
        for (long version : rolledBack) {
            long[] v = perVersion.get(version);
            if (v == null) {
                out.add(new RolledBack(version, 0, 0, 0, devices.size()));
                continue;
            }
            long meanwhile = upperBound(sorted, v[2]) - lowerBound(sorted, v[1]);
            out.add(new RolledBack(
                    version, v[0], meanwhile, devicesPerVersion.get(version).size(), devices.size()));
        }
        return out;
    }

    private static int lowerBound(long[] a, long key) {
        int i = Arrays.binarySearch(a, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && a[i - 1] == key) {
            i--;
        }
        return i;
    }

    private static int upperBound(long[] a, long key) {
        int i = Arrays.binarySearch(a, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i < a.length - 1 && a[i + 1] == key) {
            i++;
        }
        return i + 1;
    }
}
