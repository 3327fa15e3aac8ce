package dev.edgevl.device.fleet;

import dev.edgevl.sim.scenario.SensorKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a simulation has published so far; read from other threads for progress lines. */
public final class FleetStats {
    private final Map<SensorKind, AtomicLong> frames = new EnumMap<>(SensorKind.class);
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong silenced = new AtomicLong();
    private volatile Duration worldTime = Duration.ZERO;

    FleetStats() {
        for (SensorKind kind : SensorKind.values()) {
            frames.put(kind, new AtomicLong());
        }
    }

    void published(SensorKind kind, int size) {
        frames.get(kind).incrementAndGet();
        bytes.addAndGet(size);
    }

    void silenced() {
        silenced.incrementAndGet();
    }

    void worldTime(Duration t) {
        worldTime = t;
    }

    public long frames(SensorKind kind) {
        return frames.get(kind).get();
    }

    public long frames() {
        return frames.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Frames a sensor-dropout kept from being taken. */
    public long silencedFrames() {
        return silenced.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public Duration worldTime() {
        return worldTime;
    }

    /** World time as m:ss. */
    public String worldClock() {
        long s = worldTime.toSeconds();
        return String.format("%d:%02d", s / 60, s % 60);
    }

    public String summary() {
        return String.format(
                "%d frames (%d RGB, %d depth, %d thermal), %.1f MB, %d silenced by dropouts",
                frames(),
                frames(SensorKind.RGB),
                frames(SensorKind.DEPTH),
                frames(SensorKind.THERMAL),
                bytes() / 1e6,
                silencedFrames());
    }
}
