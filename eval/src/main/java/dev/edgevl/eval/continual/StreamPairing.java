package dev.edgevl.eval.continual;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.sync.Decisions;
import dev.edgevl.sync.DeviceState;
import dev.edgevl.sync.FrameMatcher;
import dev.edgevl.sync.FrameSyncConfig;
import dev.edgevl.sync.Match;
import dev.edgevl.sync.PendingFrame;
import dev.edgevl.sync.ToleranceRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Frame sync's pairing without Kafka: each device's waiting frames go through the same {@link FrameMatcher} with the
 * same rules and the same per-sensor tolerances (a {@link DeviceState} learning each sensor's frame period), frames
 * arriving in capture-time order from the simulator; the stream time stands in for the wall clock of
 * {@code sync.max-wait}. Not thread-safe.
 */
final class StreamPairing {
    private final FrameMatcher.Rules rules;
    private final ToleranceRule toleranceRule;
    private final Map<String, Device> devices = new HashMap<>();

    private static final class Device {
        final List<PendingFrame> pending = new ArrayList<>();
        final Map<String, SensorFrame> frames = new HashMap<>();
        final DeviceState state = new DeviceState();
        long streamTimeMicros = Long.MIN_VALUE;
    }

    StreamPairing(FrameSyncConfig config) {
        this.rules = config.rules();
        this.toleranceRule = config.toleranceRule();
    }

    /** Adds a frame; returns the pairs (and non-RGB frames without a partner) now decided. */
    List<FramePair> offer(SensorFrame frame) {
        Device d = devices.computeIfAbsent(frame.getDeviceId(), k -> new Device());
        long capture = micros(frame);
        long now = capture / 1_000;
        PendingFrame p = PendingFrame.of(frame, now);
        d.pending.add(p);
        d.frames.put(p.key(), frame);
        d.streamTimeMicros = Math.max(d.streamTimeMicros, capture);
        d.state.observe(frame.getSensorId(), frame.getModality(), capture);
        return apply(
                frame.getDeviceId(),
                d,
                FrameMatcher.decide(
                        d.pending, d.streamTimeMicros, now, false, rules, d.state.tolerances(toleranceRule)));
    }

    /** Decides everything still waiting: the end of the run. */
    List<FramePair> drain() {
        List<FramePair> out = new ArrayList<>();
        devices.forEach((id, d) -> out.addAll(apply(
                id,
                d,
                FrameMatcher.decide(
                        d.pending,
                        d.streamTimeMicros,
                        Long.MAX_VALUE,
                        true,
                        rules,
                        d.state.tolerances(toleranceRule)))));
        return out;
    }

    private static long micros(SensorFrame frame) {
        Instant t = frame.getCaptureTime();
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    private static List<FramePair> apply(String device, Device d, Decisions decisions) {
        List<FramePair> out = new ArrayList<>();
        for (Match m : decisions.matches()) {
            SensorFrame aux = d.frames.remove(m.aux().key());
            SensorFrame rgb = m.hasRgb() ? d.frames.get(m.rgb().key()) : null;
            out.add(FramePair.newBuilder()
                    .setDeviceId(device)
                    .setRgb(rgb)
                    .setAux(aux)
                    .setSkewMicros(m.skewMicros())
                    .setOrigin(PairOrigin.FRAME_SYNC)
                    .setPairedTime(Instant.ofEpochMilli(micros(aux) / 1_000))
                    .build());
        }
        for (PendingFrame rgb : decisions.settledRgb()) {
            d.frames.remove(rgb.key());
        }
        d.pending.clear();
        d.pending.addAll(decisions.remaining());
        return out;
    }
}
