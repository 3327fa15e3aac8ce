package dev.edgevl.sync;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.SensorFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds each device's frames until {@link FrameMatcher} decides them, and writes the resulting pairs. Runs on
 * every valid frame (stream time moves on) and on a wall-clock schedule (frames that waited too long).
 *
 * <p>Before matching, a frame is checked against its device's memory. A frame whose sensor and sequence number
 * were seen recently ({@code sync.duplicate-memory}) is a duplicate and dropped. A frame arriving when the
 * device's stream time is already past its decision point is late: the frames around it may have been decided
 * without it, so it is handled like an unmatched frame (a late non-RGB frame is written alone, a late RGB frame
 * only counted). A frame further behind than {@code sync.clock-reset} means the device clock was reset, so the
 * device's waiting frames are decided at once and its clock restarts from that frame.
 *
 * <p>Each round's tolerances come from the device's state ({@link DeviceState#tolerances}): every frame that is not
 * a duplicate teaches its sensor's modality and frame period, from which {@link ToleranceRule} derives the tolerance
 * of the sensor's pairs.
 */
final class FrameSyncProcessor implements Processor<String, SensorFrame, String, FramePair> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameSyncProcessor.class);

    /** Asks for a commit at most this often (sync.commit-on-pair); the interval commits anything in between. */
    static final long COMMIT_SPACING_MILLIS = 20;
    /**
     * Frames reaching frame sync this long after capture mean it is behind (a start, a backlog): it then asks for no
     * commits, which would slow it further, and commits by the interval until it has caught up.
     */
    static final long BEHIND_MILLIS = 100;

    private final FrameSyncConfig config;
    private long lastCommitRequest = Long.MIN_VALUE / 2;
    private boolean uncommittedPair;
    private boolean behind;
    private long lastFrameMillis;
    private final FrameMatcher.Rules rules;
    private final ToleranceRule toleranceRule;
    private final long clockResetMicros;
    private final SyncCounters counters;
    private ProcessorContext<String, FramePair> context;
    private KeyValueStore<String, PendingFrame> pending;
    private KeyValueStore<String, SensorFrame> frames;
    private KeyValueStore<String, DeviceState> devices;

    FrameSyncProcessor(FrameSyncConfig config, SyncCounters counters) {
        this.config = config;
        this.rules = config.rules();
        this.toleranceRule = config.toleranceRule();
        this.clockResetMicros = config.clockReset().toNanos() / 1_000;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, FramePair> context) {
        this.context = context;
        this.pending = context.getStateStore(FrameSyncTopology.PENDING_STORE);
        this.frames = context.getStateStore(FrameSyncTopology.FRAMES_STORE);
        this.devices = context.getStateStore(FrameSyncTopology.DEVICES_STORE);
        context.schedule(config.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::decideWaitedTooLong);
        if (config.commitOnPair()) {
            context.schedule(
                    Duration.ofMillis(COMMIT_SPACING_MILLIS),
                    PunctuationType.WALL_CLOCK_TIME,
                    this::maybeRequestCommit);
        }
    }

    @Override
    public void process(Record<String, SensorFrame> record) {
        String device = record.key();
        SensorFrame frame = record.value();
        long now = context.currentSystemTimeMs();
        behind = now - record.timestamp() > BEHIND_MILLIS; // the record's timestamp is the device's capture time
        lastFrameMillis = now;
        long captureMicros = FrameTimes.captureMicros(frame);
        Modality modality = frame.getModality();
        boolean rgb = modality == Modality.RGB;

        DeviceState state = devices.get(device);
        if (state == null) {
            state = new DeviceState();
        }
        state.heardFrom(now);
        if (!state.firstSighting(frame.getSensorId(), frame.getSequence(), captureMicros, config.duplicateMemory())) {
            counters.duplicate();
            devices.put(device, state);
            return;
        }
        counters.frameAccepted(modality);
        state.observe(frame.getSensorId(), modality, captureMicros);
        PendingFrame waiting = PendingFrame.of(frame, now);
        if (state.hasClock() && state.streamTimeMicros() - captureMicros > clockResetMicros) {
            LOG.info(
                    "Frame {} is {} ms behind the newest frame of device {}, more than sync.clock-reset allows, so frame sync "
                            + "takes it for a reset of the device clock: the device's waiting frames are decided now and its clock "
                            + "restarts from this frame.",
                    waiting,
                    (state.streamTimeMicros() - captureMicros) / 1_000,
                    device);
            decideDevice(device, state, now, true);
            state.restartClock(captureMicros);
            state.observe(frame.getSensorId(), modality, captureMicros); // frame intervals start again from it too
            counters.clockReset();
        } else if (state.hasClock()
                && FrameMatcher.isLate(waiting, state.streamTimeMicros(), rules, state.tolerances(toleranceRule))) {
            counters.late();
            if (rgb) {
                counters.rgbSettled(false);
            } else {
                write(device, null, frame, now);
                counters.forwardedAlone(modality);
            }
            devices.put(device, state);
            return;
        }
        state.advanceClock(captureMicros);
        pending.put(waiting.key(), waiting);
        frames.put(waiting.key(), frame);
        decideDevice(device, state, now, false);
        devices.put(device, state);
    }

    /** The wall-clock check: devices with a frame older than sync.max-wait get a round; long-silent devices are forgotten. */
    private void decideWaitedTooLong(long now) {
        Map<String, List<PendingFrame>> byDevice = new TreeMap<>();
        try (KeyValueIterator<String, PendingFrame> all = pending.all()) {
            all.forEachRemaining(entry -> byDevice.computeIfAbsent(entry.value.deviceId(), d -> new ArrayList<>())
                    .add(entry.value));
        }
        byDevice.forEach((device, waiting) -> {
            if (waiting.stream().anyMatch(frame -> now - frame.arrivedMillis() >= rules.maxWaitMillis())) {
                DeviceState stored = devices.get(device);
                DeviceState state = stored != null ? stored : new DeviceState();
                long streamTime = state.hasClock()
                        ? state.streamTimeMicros()
                        : waiting.stream()
                                .mapToLong(PendingFrame::captureMicros)
                                .max()
                                .orElseThrow();
                Decisions decisions = FrameMatcher.decide(
                        waiting, streamTime, now, false, rules, state.tolerances(toleranceRule), horizons(state));
                apply(device, state, waiting, decisions, now);
            }
        });
        forgetSilentDevices(now, byDevice.keySet());
    }

    private void forgetSilentDevices(long now, Set<String> withWaitingFrames) {
        List<String> silent = new ArrayList<>();
        try (KeyValueIterator<String, DeviceState> all = devices.all()) {
            while (all.hasNext()) {
                KeyValue<String, DeviceState> entry = all.next();
                if (now - entry.value.lastSeenMillis() >= config.deviceExpiry().toMillis()
                        && !withWaitingFrames.contains(entry.key)) {
                    silent.add(entry.key);
                }
            }
        }
        silent.forEach(device -> {
            devices.delete(device);
            LOG.debug("Frame sync forgot device {}, silent for longer than sync.device-expiry.", device);
        });
    }

    private void decideDevice(String device, DeviceState state, long now, boolean forceAll) {
        List<PendingFrame> waiting = new ArrayList<>();
        try (KeyValueIterator<String, PendingFrame> own =
                pending.prefixScan(PendingFrame.devicePrefix(device), new StringSerializer())) {
            own.forEachRemaining(entry -> waiting.add(entry.value));
        }
        if (!waiting.isEmpty()) {
            Decisions decisions = FrameMatcher.decide(
                    waiting,
                    state.streamTimeMicros(),
                    now,
                    forceAll,
                    rules,
                    state.tolerances(toleranceRule),
                    horizons(state));
            apply(device, state, waiting, decisions, now);
        }
    }

    private FrameMatcher.Horizons horizons(DeviceState state) {
        return config.decideEarly() ? state.horizons(config.stoppedAfterMicros()) : FrameMatcher.Horizons.NONE;
    }

    private void apply(String device, DeviceState state, List<PendingFrame> before, Decisions decisions, long now) {
        for (Match match : decisions.matches()) {
            String auxKey = match.aux().key();
            SensorFrame rgb = match.hasRgb() ? stored(match.rgb().key()) : null;
            write(device, rgb, stored(auxKey), now);
            Modality modality = state.modality(match.aux().sensorId());
            if (match.hasRgb()) {
                counters.paired(modality);
            } else {
                counters.forwardedAlone(modality);
            }
            pending.delete(auxKey);
            frames.delete(auxKey);
        }
        for (PendingFrame rgb : decisions.settledRgb()) {
            pending.delete(rgb.key());
            frames.delete(rgb.key());
            counters.rgbSettled(!rgb.pairedWith().isEmpty());
        }
        Map<String, PendingFrame> old =
                before.stream().collect(Collectors.toMap(PendingFrame::key, Function.identity()));
        for (PendingFrame frame : decisions.remaining()) {
            String key = frame.key();
            if (!frame.equals(old.get(key))) {
                pending.put(key, frame);
            }
        }
    }

    private SensorFrame stored(String key) {
        SensorFrame frame = frames.get(key);
        if (frame == null) {
            throw new IllegalStateException(
                    "Frame-sync state is inconsistent: the waiting frame " + key.replace('\u0000', '/')
                            + " has no stored image. Reset the application's state (kafka-streams-application-reset) to recover.");
        }
        return frame;
    }

    private void write(String device, SensorFrame rgb, SensorFrame aux, long now) {
        FramePair pair = FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgb)
                .setAux(aux)
                .setSkewMicros(rgb == null ? null : FrameTimes.captureMicros(aux) - FrameTimes.captureMicros(rgb))
                .setOrigin(PairOrigin.FRAME_SYNC)
                .setPairedTime(Instant.ofEpochMilli(now))
                .build();
        // Event time where the device clock allows it; never in the future, which a broker may refuse.
        long timestamp = Math.min(aux.getCaptureTime().toEpochMilli(), now);
        context.forward(new Record<>(device, pair, timestamp));
        uncommittedPair = true;
    }

    /**
     * Every 20 ms (a punctuation): when pairs were written since, asks Streams to commit right after this pass of its
     * loop. Spaced, because each commit also halves how many records Streams takes per pass: a request per record would
     * commit per record. While frame sync is behind it asks for none: commits by the interval let it catch up. No frame
     * since the last punctuation means no backlog, whatever the last frame's delay was.
     */
    private void maybeRequestCommit(long now) {
        if (behind && now - lastFrameMillis >= COMMIT_SPACING_MILLIS) {
            behind = false;
        }
        if (uncommittedPair && !behind && now - lastCommitRequest >= COMMIT_SPACING_MILLIS) {
            context.commit();
            lastCommitRequest = now;
            uncommittedPair = false;
        }
    }
}
