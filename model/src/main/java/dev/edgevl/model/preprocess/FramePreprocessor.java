package dev.edgevl.model.preprocess;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Frame bytes to model input: a float image in CHW order, {@link InputSpec#size()} values, ready to
 * be wrapped into a tensor. The trainer, the stream job and the device agent all call this, so one
 * frame gives one input everywhere; every method is a pure function of its arguments.
 *
 * <ul>
 *   <li>{@code RGB8}: bytes to 0..1, resized, normalised per channel.</li>
 *   <li>{@code GRAY8}: the same, replicated to three channels.</li>
 *   <li>{@code DEPTH16_MM}: min-max scaled over the frame's valid readings, near bright, holes filled
 *       ({@link RangeScaler}), replicated: EdgeVL's depth-as-image recipe.</li>
 *   <li>{@code THERMAL16_CK}: likewise, hot bright.</li>
 *   <li>{@code PNG}, {@code JPEG}: decoded, then as above; a 16-bit grey PNG counts as depth or thermal
 *       when the modality says so.</li>
 * </ul>
 *
 * Range images are scaled at the frame's own size and resized afterwards, so holes never bleed into
 * the resize. A frame that cannot be read throws {@link FrameFormatException}; a job batching frames
 * should call {@link #toInput(SensorFrame, InputSpec, float[], int)} per frame, so one bad frame goes
 * to the dead-letter topic instead of failing the batch.
 */
public final class FramePreprocessor {

    /**
     * 4096×4096. A corrupt or hostile header must not make the job allocate gigabytes; this is far
     * beyond what an edge sensor streams.
     */
    public static final long MAX_PIXELS = 4096L * 4096L;

    private FramePreprocessor() {}

    public static float[] toInput(SensorFrame frame, InputSpec spec) {
        float[] out = new float[spec.size()];
        toInput(frame, spec, out, 0);
        return out;
    }

    /** Writes the input for {@code frame} into {@code out} from {@code offset}, e.g. one row of a batch. */
    public static void toInput(SensorFrame frame, InputSpec spec, float[] out, int offset) {
        Objects.requireNonNull(frame, "frame");
        ByteBuffer data = frame.getData();
        if (data == null) {
            throw new FrameFormatException("Frame has no data.");
        }
        byte[] bytes;
        int start;
        if (data.hasArray()) {
            bytes = data.array();
            start = data.arrayOffset() + data.position();
        } else {
            bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
            start = 0;
        }
        write(
                frame.getModality(),
                frame.getWidth(),
                frame.getHeight(),
                frame.getEncoding(),
                bytes,
                start,
                data.remaining(),
                spec,
                out,
                offset);
    }

    /** For frames without a modality: a 16-bit grey PNG is read as plain grey. */
    public static float[] toInput(int width, int height, PixelEncoding encoding, byte[] data, InputSpec spec) {
        return toInput(Modality.UNKNOWN, width, height, encoding, data, spec);
    }

    public static float[] toInput(
            Modality modality, int width, int height, PixelEncoding encoding, byte[] data, InputSpec spec) {
        if (data == null) {
            throw new FrameFormatException("Frame has no data.");
        }
        float[] out = new float[spec.size()];
        write(modality, width, height, encoding, data, 0, data.length, spec, out, 0);
        return out;
    }

    /**
     * {@code N × 3 × H × W} for N frames, in list order. The first frame that cannot be read fails the
     * whole call, with its position in the message.
     */
    public static float[] preprocessBatch(List<SensorFrame> frames, InputSpec spec) {
        int size = spec.size();
        if ((long) frames.size() * size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A batch of " + frames.size() + " inputs of " + size
                    + " floats does not fit one array; use smaller batches.");
        }
        float[] out = new float[frames.size() * size];
        for (int i = 0; i < frames.size(); i++) {
            SensorFrame frame = frames.get(i);
            try {
                toInput(frame, spec, out, i * size);
            } catch (FrameFormatException e) {
                throw new FrameFormatException(
                        "Frame " + i + " of the batch (device " + frame.getDeviceId()
                                + ", sensor " + frame.getSensorId() + ", sequence " + frame.getSequence() + "): "
                                + e.getMessage(),
                        e);
            }
        }
        return out;
    }

    private static void write(
            Modality modality,
            int width,
            int height,
            PixelEncoding encoding,
            byte[] data,
            int dataOffset,
            int dataLength,
            InputSpec spec,
            float[] out,
            int outOffset) {
        Objects.requireNonNull(spec, "spec");
        Objects.checkFromIndexSize(outOffset, spec.size(), out.length);
        Planes decoded = decode(modality, width, height, encoding, data, dataOffset, dataLength);
        Planes sized = Resampler.resize(decoded, spec.width(), spec.height(), spec.resize());
        normalise(sized, spec, out, outOffset);
    }

    static Planes decode(
            Modality modality, int width, int height, PixelEncoding encoding, byte[] data, int offset, int length) {
        if (encoding == null) {
            throw new FrameFormatException("Frame has no pixel encoding.");
        }
        if (width <= 0 || height <= 0) {
            throw new FrameFormatException(
                    "Frame size " + width + "×" + height + " is empty; width and height must be positive.");
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new FrameFormatException(
                    "Frame size " + width + "×" + height + " exceeds the limit of " + MAX_PIXELS + " pixels.");
        }
        return switch (encoding) {
            case RGB8 -> RawDecoder.rgb8(width, height, data, checkLength(encoding, width, height, 3, offset, length));
            case GRAY8 ->
                RawDecoder.gray8(width, height, data, checkLength(encoding, width, height, 1, offset, length));
            case DEPTH16_MM ->
                RawDecoder.range16(
                        width,
                        height,
                        data,
                        checkLength(encoding, width, height, 2, offset, length),
                        RangePolarity.LOW_IS_BRIGHT);
            case THERMAL16_CK ->
                RawDecoder.range16(
                        width,
                        height,
                        data,
                        checkLength(encoding, width, height, 2, offset, length),
                        RangePolarity.HIGH_IS_BRIGHT);
            case PNG -> ImageDecoder.decode("PNG", modality, width, height, data, offset, length);
            case JPEG -> ImageDecoder.decode("JPEG", modality, width, height, data, offset, length);
            default ->
                throw new FrameFormatException("Pixel encoding " + encoding
                        + " is not one the preprocessor reads (RGB8, GRAY8, DEPTH16_MM, THERMAL16_CK, PNG, JPEG).");
        };
    }

    /** Returns {@code offset} once the length is right for a raw encoding. */
    private static int checkLength(
            PixelEncoding encoding, int width, int height, int bytesPerPixel, int offset, int length) {
        long expected = (long) width * height * bytesPerPixel;
        if (length != expected) {
            throw new FrameFormatException(encoding + " frame of " + width + "×" + height + " pixels needs " + expected
                    + " bytes (" + bytesPerPixel + " per pixel) but has " + length + ".");
        }
        return offset;
    }

    /** {@code (v - mean[c]) / std[c]}; a single plane is written to all three channels. */
    private static void normalise(Planes in, InputSpec spec, float[] out, int offset) {
        int n = in.planeSize();
        float[] pixels = in.pixels();
        for (int c = 0; c < spec.channels(); c++) {
            float mean = spec.meanOf(c);
            float std = spec.stdOf(c);
            int src = in.channels() == 1 ? 0 : c * n;
            int dst = offset + c * n;
            for (int i = 0; i < n; i++) {
                out[dst + i] = (pixels[src + i] - mean) / std;
            }
        }
    }
}
