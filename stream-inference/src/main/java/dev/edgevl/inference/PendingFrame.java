package dev.edgevl.inference;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import java.time.Instant;

/**
 * A decoded, preprocessed pair waiting in an operator's batch. Preprocessing happens when the pair arrives, so a
 * frame that cannot be read is dead-lettered at once; should the live model change to one that wants another input,
 * {@link #preparedFor} redoes it.
 *
 * @param ingestMillis when the pair was written to {@code frames.paired} (the record's timestamp when it carries none)
 */
public record PendingFrame(
        String deviceId, FramePair pair, InputSpec spec, float[] aux, float[] rgb, long ingestMillis) {

    /** @throws dev.edgevl.model.preprocess.FrameFormatException when a frame's bytes do not match its header */
    public static PendingFrame prepare(String deviceId, FramePair pair, InputSpec spec, long recordMillis) {
        float[] aux = FramePreprocessor.toInput(pair.getAux(), spec);
        SensorFrame rgbFrame = pair.getRgb();
        float[] rgb = rgbFrame == null ? null : FramePreprocessor.toInput(rgbFrame, spec);
        long ingest = ingestMillis(pair, recordMillis);
        return new PendingFrame(deviceId, pair, spec, aux, rgb, ingest);
    }

    /** When the pair was written to {@code frames.paired}: its paired time, else the record's timestamp. */
    static long ingestMillis(FramePair pair, long recordMillis) {
        return ingestMillis(pair.getPairedTime(), recordMillis);
    }

    /** {@code paired} when the pair says when it was paired, else the record's timestamp. */
    static long ingestMillis(Instant paired, long recordMillis) {
        return paired != null ? paired.toEpochMilli() : recordMillis;
    }

    PendingFrame preparedFor(InputSpec wanted) {
        return wanted.equals(spec) ? this : prepare(deviceId, pair, wanted, ingestMillis);
    }

    boolean hasRgb() {
        return rgb != null;
    }

    long captureMillis() {
        return pair.getAux().getCaptureTime().toEpochMilli();
    }
}
