package dev.edgevl.distill;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.zeroshot.Embeddings;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small learnable world for the distiller's tests: four classes, each with its own RGB colour and its own depth
 * pattern (a vertical or horizontal ramp, stripes, a bowl); the "teacher" embeds a pair near its class's label
 * embedding, from the RGB side only. A student can learn to place depth images where the teacher puts the photos,
 * which is what the gate measures.
 */
public final class TestSamples {
    public static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    public static final String TEACHER = "test-teacher";
    public static final int SIDE = 16;
    public static final int DIM = 8;
    public static final List<String> LABELS = List.of("cube", "sphere", "cone", "torus");
    private static final float[][] LABEL_VECTORS = new float[LABELS.size()][];

    static {
        Random r = new Random(11);
        for (int c = 0; c < LABELS.size(); c++) {
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) r.nextGaussian();
            }
            LABEL_VECTORS[c] = Embeddings.l2Normalize(v);
        }
    }

    private TestSamples() {}

    public static LabelEmbedding label(int c) {
        return label(c, TEACHER);
    }

    public static LabelEmbedding label(int c, String teacherId) {
        return LabelEmbedding.newBuilder()
                .setLabel(LABELS.get(c))
                .setTeacherId(teacherId)
                .setEmbedding(Embeddings.boxed(LABEL_VECTORS[c]))
                .setPromptTemplates(List.of("a {}"))
                .setEmbeddedTime(T0)
                .build();
    }

    /** Well-formed label records no model can score with: all zeros, a NaN, 7 values, another teacher's. */
    public static List<LabelEmbedding> unusableLabels() {
        float[] nan = LABEL_VECTORS[0].clone();
        nan[2] = Float.NaN;
        return List.of(
                label("zero", TEACHER, new float[DIM]),
                label("nan", TEACHER, nan),
                label("seven", TEACHER, new float[] {1, 0, 0, 0, 0, 0, 0}),
                label("foreign", "another-teacher", LABEL_VECTORS[1]));
    }

    private static LabelEmbedding label(String name, String teacherId, float[] embedding) {
        return LabelEmbedding.newBuilder()
                .setLabel(name)
                .setTeacherId(teacherId)
                .setEmbedding(Embeddings.boxed(embedding))
                .setPromptTemplates(List.of("a {}"))
                .setEmbeddedTime(T0)
                .build();
    }

    /** Pairs 0..count-1 of {@code device}, with classes from {@code classOf}, embedded one ms apart. */
    public static List<TeacherEmbedding> stream(String device, int count, java.util.function.IntUnaryOperator classOf) {
        return stream(device, 0, count, classOf);
    }

    /** Pairs {@code from}..{@code to}-1; pair i is embedded i ms after T0, so later pairs are newer whatever the device. */
    public static List<TeacherEmbedding> stream(
            String device, int from, int to, java.util.function.IntUnaryOperator classOf) {
        List<TeacherEmbedding> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(sample(device, i, classOf.applyAsInt(i)));
        }
        return out;
    }

    public static TeacherEmbedding sample(String device, long sequence, int c) {
        return sample(device, sequence, c, TEACHER, true);
    }

    public static TeacherEmbedding sample(String device, long sequence, int c, String teacherId, boolean withRgb) {
        Random r = new Random(sequence * 31 + device.hashCode());
        byte[] rgb = new byte[SIDE * SIDE * 3];
        for (int p = 0; p < SIDE * SIDE; p++) {
            for (int ch = 0; ch < 3; ch++) {
                int base = ch == c % 3 ? 200 : 40;
                if (c == 3) {
                    base = 150;
                }
                rgb[p * 3 + ch] = (byte) clamp(base + r.nextGaussian() * 20);
            }
        }
        byte[] depth = new byte[SIDE * SIDE * 2];
        for (int p = 0; p < SIDE * SIDE; p++) {
            int y = p / SIDE;
            int x = p % SIDE;
            double shape =
                    switch (c) {
                        case 0 -> y;
                        case 1 -> x;
                        case 2 -> (y / 4) % 2 == 0 ? 0 : SIDE;
                        default -> Math.hypot(x - SIDE / 2.0, y - SIDE / 2.0);
                    };
            double mm = 1000 + 600.0 * shape / SIDE + r.nextGaussian() * 10;
            int v = (int) mm;
            depth[2 * p] = (byte) (v & 0xff);
            depth[2 * p + 1] = (byte) (v >> 8);
        }
        float[] teacher = LABEL_VECTORS[c].clone();
        for (int i = 0; i < DIM; i++) {
            teacher[i] += (float) (0.15 * r.nextGaussian());
        }
        SensorFrame aux = frame(device, "depth0", Modality.DEPTH, PixelEncoding.DEPTH16_MM, sequence, depth);
        FramePair pair = FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(withRgb ? frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, sequence, rgb) : null)
                .setAux(aux)
                .setSkewMicros(0L)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .build();
        return TeacherEmbedding.newBuilder()
                .setPair(pair)
                .setTeacherId(teacherId)
                .setSourceModality(withRgb ? Modality.RGB : Modality.DEPTH)
                .setEmbedding(Embeddings.boxed(Embeddings.l2Normalize(teacher)))
                .setReasons(List.of())
                .setRequestTime(null)
                .setEmbeddedTime(T0.plus(sequence, ChronoUnit.MILLIS))
                .build();
    }

    /** The same pair with its RGB frame at a tenth of the light, as at night. */
    public static TeacherEmbedding dark(TeacherEmbedding sample) {
        SensorFrame rgb = sample.getPair().getRgb();
        byte[] data = new byte[rgb.getData().remaining()];
        rgb.getData().duplicate().get(data);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ((data[i] & 0xff) / 10);
        }
        SensorFrame darker =
                SensorFrame.newBuilder(rgb).setData(ByteBuffer.wrap(data)).build();
        return TeacherEmbedding.newBuilder(sample)
                .setPair(FramePair.newBuilder(sample.getPair()).setRgb(darker).build())
                .build();
    }

    /** The same pair with its non-RGB frame from a thermal camera (the same 16-bit pixels read as centikelvin). */
    public static TeacherEmbedding thermal(TeacherEmbedding sample) {
        SensorFrame aux = SensorFrame.newBuilder(sample.getPair().getAux())
                .setSensorId("thermal0")
                .setModality(Modality.THERMAL)
                .setEncoding(PixelEncoding.THERMAL16_CK)
                .build();
        return TeacherEmbedding.newBuilder(sample)
                .setPair(FramePair.newBuilder(sample.getPair()).setAux(aux).build())
                .build();
    }

    /**
     * A thermal pair whose image has a pattern of its own per class (diagonal, anti-diagonal, squares, checks), unlike
     * any depth pattern: a student distilled on depth alone cannot read it.
     */
    public static TeacherEmbedding distinctThermal(String device, long sequence, int c) {
        TeacherEmbedding base = thermal(sample(device, sequence, c));
        Random r = new Random(sequence * 17 + device.hashCode());
        byte[] data = new byte[SIDE * SIDE * 2];
        for (int p = 0; p < SIDE * SIDE; p++) {
            int y = p / SIDE;
            int x = p % SIDE;
            double shape =
                    switch (c) {
                        case 0 -> (x + y) / 2.0;
                        case 1 -> (x - y + SIDE) / 2.0;
                        case 2 -> Math.max(Math.abs(x - SIDE / 2.0), Math.abs(y - SIDE / 2.0)) * 2;
                        default -> ((x / 4 + y / 4) % 2) * SIDE;
                    };
            int v = (int) (29315 + 400.0 * shape / SIDE + r.nextGaussian() * 5);
            data[2 * p] = (byte) (v & 0xff);
            data[2 * p + 1] = (byte) (v >> 8);
        }
        SensorFrame aux = SensorFrame.newBuilder(base.getPair().getAux())
                .setData(ByteBuffer.wrap(data))
                .build();
        return TeacherEmbedding.newBuilder(base)
                .setPair(FramePair.newBuilder(base.getPair()).setAux(aux).build())
                .build();
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    private static SensorFrame frame(
            String device, String sensor, Modality modality, PixelEncoding encoding, long sequence, byte[] data) {
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(T0.plus(sequence * 33, ChronoUnit.MILLIS))
                .setSequence(sequence)
                .setWidth(SIDE)
                .setHeight(SIDE)
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(data))
                .setAttributes(Map.of())
                .build();
    }
}
