package dev.edgevl.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramePreprocessorTest {

    /** No normalisation, so outputs read as 0..1 pixel values. */
    private static InputSpec unit(int width, int height) {
        return InputSpec.of(width, height).withNormalisation(new float[] {0, 0, 0}, new float[] {1, 1, 1});
    }

    @Test
    void rgbIsScaledNormalisedAndLaidOutChannelsFirst() {
        // 2×1: (255, 0, 128) then (0, 255, 0)
        byte[] rgb = {(byte) 255, 0, (byte) 128, 0, (byte) 255, 0};

        float[] in = FramePreprocessor.toInput(2, 1, PixelEncoding.RGB8, rgb, InputSpec.of(2, 1));

        assertThat(in).hasSize(6);
        // (v - 0.5) / 0.25 with the default normalisation; index = channel * H * W + x
        assertThat(in[0]).isEqualTo(2f);
        assertThat(in[1]).isEqualTo(-2f);
        assertThat(in[2]).isEqualTo(-2f);
        assertThat(in[3]).isEqualTo(2f);
        assertThat(in[4]).isCloseTo((128 / 255f - 0.5f) / 0.25f, within(1e-6f));
        assertThat(in[5]).isEqualTo(-2f);
    }

    @Test
    void eachChannelGetsItsOwnMeanAndStd() {
        InputSpec clip = InputSpec.of(1, 1).withNormalisation(InputSpec.CLIP_MEAN, InputSpec.CLIP_STD);

        float[] in = FramePreprocessor.toInput(1, 1, PixelEncoding.RGB8, new byte[] {(byte) 255, (byte) 255, 0}, clip);

        assertThat(in[0]).isCloseTo((1 - 0.48145466f) / 0.26862954f, within(1e-5f));
        assertThat(in[1]).isCloseTo((1 - 0.4578275f) / 0.26130258f, within(1e-5f));
        assertThat(in[2]).isCloseTo(-0.40821073f / 0.27577711f, within(1e-5f));
    }

    @Test
    void grayIsReplicatedToThreeEqualChannels() {
        byte[] gray = {0, 64, (byte) 128, (byte) 255};

        float[] in = FramePreprocessor.toInput(2, 2, PixelEncoding.GRAY8, gray, unit(2, 2));

        assertThat(in)
                .containsExactly(
                        0f, 64 / 255f, 128 / 255f, 1f, 0f, 64 / 255f, 128 / 255f, 1f, 0f, 64 / 255f, 128 / 255f, 1f);
    }

    @Test
    void depthIsMinMaxScaledNearBrightOverValidReadingsOnly() {
        float[] in = FramePreprocessor.toInput(4, 1, PixelEncoding.DEPTH16_MM, u16(1000, 2000, 3000, 1500), unit(4, 1));

        assertThat(channel(in, 0, 4)).containsExactly(1f, 0.5f, 0f, 0.75f);
        assertThat(channel(in, 1, 4)).containsExactly(channel(in, 0, 4));
        assertThat(channel(in, 2, 4)).containsExactly(channel(in, 0, 4));
    }

    @Test
    void depthIsLittleEndian() {
        // 513 little-endian is 0x01 0x02; read big-endian it would be 258, and the order would flip
        byte[] data = {0x01, 0x02, 0x02, 0x01};

        float[] in = FramePreprocessor.toInput(2, 1, PixelEncoding.DEPTH16_MM, data, unit(2, 1));

        assertThat(channel(in, 0, 2)).containsExactly(0f, 1f);
    }

    @Test
    void depthHolesTakeNoPartInMinMaxAndAreFilledFromValidNeighbours() {
        // holes at x = 0, 1, 2: x = 2 touches a reading and takes it; x = 0 and 1 touch only holes and stay 0
        float[] in = FramePreprocessor.toInput(5, 1, PixelEncoding.DEPTH16_MM, u16(0, 0, 0, 1000, 3000), unit(5, 1));

        assertThat(channel(in, 0, 5)).containsExactly(0f, 0f, 1f, 1f, 0f);
    }

    @Test
    void anIsolatedDepthHoleBecomesTheMeanOfItsEightNeighbours() {
        int[] depth = {
            1000, 1000, 1000,
            2000, 0, 2000,
            3000, 3000, 3000
        };

        float[] in = FramePreprocessor.toInput(3, 3, PixelEncoding.DEPTH16_MM, u16(depth), unit(3, 3));

        // near bright: 1000 → 1, 2000 → 0.5, 3000 → 0; the hole gets (3·1 + 2·0.5 + 3·0) / 8
        assertThat(in[4]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void aDepthFrameWithoutReadingsIsAllZerosNotNaN() {
        float[] in = FramePreprocessor.toInput(8, 8, PixelEncoding.DEPTH16_MM, new byte[128], unit(4, 4));

        assertThat(in).hasSize(48).containsOnly(0f);
    }

    @Test
    void aDepthFrameOfOneDistanceHasNoContrastAndIsZeros() {
        float[] in = FramePreprocessor.toInput(3, 1, PixelEncoding.DEPTH16_MM, u16(1200, 0, 1200), unit(3, 1));

        assertThat(in).containsOnly(0f);
    }

    @Test
    void thermalIsMinMaxScaledHotBright() {
        // 20 °C, 30 °C, no reading, 25 °C
        float[] in =
                FramePreprocessor.toInput(4, 1, PixelEncoding.THERMAL16_CK, u16(29315, 30315, 0, 29815), unit(4, 1));

        assertThat(channel(in, 0, 4)).containsExactly(0f, 1f, 0.75f, 0.5f);
    }

    @Test
    void areaShrinkAveragesEachBlock() {
        byte[] gray = new byte[16];
        for (int i = 0; i < 16; i++) {
            gray[i] = (byte) (i * 10);
        }

        float[] in = FramePreprocessor.toInput(4, 4, PixelEncoding.GRAY8, gray, unit(2, 2));

        // top-left block holds pixels 0, 1, 4, 5 → (0 + 10 + 40 + 50) / 4 = 25
        assertThat(in[0]).isCloseTo(25 / 255f, within(1e-6f));
        assertThat(in[3]).isCloseTo((100 + 110 + 140 + 150) / 4f / 255f, within(1e-6f));
    }

    @Test
    void areaShrinkWeighsPartlyCoveredPixelsByArea() {
        byte[] gray = {0, (byte) 150, (byte) 255};

        float[] in = FramePreprocessor.toInput(3, 1, PixelEncoding.GRAY8, gray, unit(2, 1));

        assertThat(in[0]).isCloseTo((0 + 0.5f * 150 / 255f) / 1.5f, within(1e-6f));
        assertThat(in[1]).isCloseTo((0.5f * 150 / 255f + 1) / 1.5f, within(1e-6f));
    }

    @Test
    void bilinearEnlargeMatchesPyTorchHalfPixelCentres() {
        byte[] gray = {0, (byte) 255};
        InputSpec spec = unit(4, 1).withResize(ResizeMethod.BILINEAR);

        float[] in = FramePreprocessor.toInput(2, 1, PixelEncoding.GRAY8, gray, spec);

        // torch.nn.functional.interpolate([[0, 1]], size=4, mode="linear", align_corners=False)
        assertThat(channel(in, 0, 4)).containsExactly(0f, 0.25f, 0.75f, 1f);
    }

    @Test
    void bilinearShrinkSamplesBetweenSourcePixels() {
        byte[] gray = {0, (byte) 255, 0, (byte) 255};
        InputSpec spec = unit(2, 1).withResize(ResizeMethod.BILINEAR);

        float[] in = FramePreprocessor.toInput(4, 1, PixelEncoding.GRAY8, gray, spec);

        assertThat(channel(in, 0, 2)).containsExactly(0.5f, 0.5f);
    }

    @Test
    void resizingAFlatImageKeepsItFlat() {
        byte[] rgb = new byte[7 * 5 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = 51;
            rgb[i + 1] = 102;
            rgb[i + 2] = (byte) 204;
        }
        for (ResizeMethod method : ResizeMethod.values()) {
            for (int[] size : new int[][] {{3, 4}, {9, 11}, {7, 2}}) {
                InputSpec spec = unit(size[0], size[1]).withResize(method);
                float[] in = FramePreprocessor.toInput(7, 5, PixelEncoding.RGB8, rgb, spec);
                int n = spec.planeSize();
                assertThat(channel(in, 0, n)).containsExactly(filled(n, 0.2f), within(1e-5f));
                assertThat(channel(in, 1, n)).containsExactly(filled(n, 0.4f), within(1e-5f));
                assertThat(channel(in, 2, n)).containsExactly(filled(n, 0.8f), within(1e-5f));
            }
        }
    }

    @Test
    void depthHolesAreFilledBeforeResizingSoTheyDoNotDarkenTheResult() {
        int[] depth = new int[16];
        Arrays.fill(depth, 1000);
        depth[0] = 3000;
        depth[5] = 0;

        float[] in = FramePreprocessor.toInput(4, 4, PixelEncoding.DEPTH16_MM, u16(depth), unit(2, 2));

        // the top-left block is 3000, hole, 1000, 1000: the hole is filled with its neighbours' mean
        // (seven 1000s at 1.0 and the 3000 at 0.0 → 7/8), not averaged in as black
        assertThat(in[0]).isCloseTo((0f + 7 / 8f + 1f + 1f) / 4f, within(1e-6f));
    }

    @Test
    void theSameFrameAlwaysGivesTheSameInput() {
        Random random = new Random(7);
        byte[] rgb = new byte[48 * 40 * 3];
        random.nextBytes(rgb);
        byte[] depth = new byte[48 * 40 * 2];
        random.nextBytes(depth);
        InputSpec spec = InputSpec.DEFAULT;

        assertThat(FramePreprocessor.toInput(48, 40, PixelEncoding.RGB8, rgb, spec))
                .containsExactly(FramePreprocessor.toInput(48, 40, PixelEncoding.RGB8, rgb.clone(), spec));
        assertThat(FramePreprocessor.toInput(48, 40, PixelEncoding.DEPTH16_MM, depth, spec))
                .containsExactly(FramePreprocessor.toInput(48, 40, PixelEncoding.DEPTH16_MM, depth.clone(), spec));
    }

    @Test
    void aFrameGivesTheSameInputAfterALargerFrameOnTheSameThread() throws Exception {
        // The decoders' planes are per-thread scratch: what a larger frame left in them must not reach a smaller one,
        // and an input handed out must not change when the thread preprocesses the next frame.
        byte[] small = u16(0, 900, 1800, 0, 3600, 2500);
        byte[] smallRgb = {
            10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, (byte) 130, (byte) 140, (byte) 150, 1, 2, 3
        };
        float[][] alone = new float[2][];
        Thread fresh = new Thread(() -> {
            alone[0] = FramePreprocessor.toInput(3, 2, PixelEncoding.DEPTH16_MM, small, InputSpec.DEFAULT);
            alone[1] = FramePreprocessor.toInput(3, 2, PixelEncoding.RGB8, smallRgb, InputSpec.DEFAULT);
        });
        fresh.start();
        fresh.join();

        Random random = new Random(11);
        byte[] bigDepth = new byte[64 * 64 * 2];
        random.nextBytes(bigDepth);
        byte[] bigRgb = new byte[64 * 64 * 3];
        random.nextBytes(bigRgb);
        float[] big = FramePreprocessor.toInput(64, 64, PixelEncoding.DEPTH16_MM, bigDepth, InputSpec.DEFAULT);
        float[] bigCopy = big.clone();
        FramePreprocessor.toInput(64, 64, PixelEncoding.RGB8, bigRgb, InputSpec.DEFAULT);

        assertThat(FramePreprocessor.toInput(3, 2, PixelEncoding.DEPTH16_MM, small, InputSpec.DEFAULT))
                .containsExactly(alone[0]);
        assertThat(FramePreprocessor.toInput(3, 2, PixelEncoding.RGB8, smallRgb, InputSpec.DEFAULT))
                .containsExactly(alone[1]);
        assertThat(big).containsExactly(bigCopy);
    }

    @Test
    void aSensorFrameGivesWhatItsBytesGiveEvenFromASlicedBuffer() {
        byte[] depth = u16(0, 900, 1800, 2700, 3600, 0);
        byte[] padded = new byte[depth.length + 5];
        System.arraycopy(depth, 0, padded, 3, depth.length);
        ByteBuffer slice = ByteBuffer.wrap(padded, 3, depth.length).slice();
        SensorFrame frame = frame(Modality.DEPTH, 3, 2, PixelEncoding.DEPTH16_MM, slice);

        float[] fromFrame = FramePreprocessor.toInput(frame, InputSpec.DEFAULT);

        assertThat(fromFrame)
                .containsExactly(FramePreprocessor.toInput(3, 2, PixelEncoding.DEPTH16_MM, depth, InputSpec.DEFAULT));
        assertThat(frame.getData().position()).isZero();
    }

    @Test
    void aBatchIsTheInputsOneAfterAnother() {
        SensorFrame rgb = frame(Modality.RGB, 2, 2, PixelEncoding.RGB8, ByteBuffer.wrap(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
        }));
        SensorFrame depth = frame(Modality.DEPTH, 2, 2, PixelEncoding.DEPTH16_MM, ByteBuffer.wrap(u16(1, 2, 0, 4)));
        InputSpec spec = InputSpec.of(2, 2);

        float[] batch = FramePreprocessor.preprocessBatch(List.of(rgb, depth), spec);

        assertThat(batch).hasSize(2 * 12);
        assertThat(channel(batch, 0, 12)).containsExactly(FramePreprocessor.toInput(rgb, spec));
        assertThat(channel(batch, 1, 12)).containsExactly(FramePreprocessor.toInput(depth, spec));
    }

    @Test
    void aBadFrameInABatchIsNamedByPosition() {
        SensorFrame good = frame(Modality.RGB, 1, 1, PixelEncoding.RGB8, ByteBuffer.wrap(new byte[3]));
        SensorFrame bad = frame(Modality.RGB, 1, 1, PixelEncoding.RGB8, ByteBuffer.wrap(new byte[2]));

        assertThatThrownBy(() -> FramePreprocessor.preprocessBatch(List.of(good, bad), InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("Frame 1 of the batch (device dev-1, sensor s0, sequence 42)")
                .hasMessageContaining("needs 3 bytes");
    }

    @Test
    void aShortFrameSaysHowManyBytesItNeeds() {
        assertThatThrownBy(() ->
                        FramePreprocessor.toInput(64, 64, PixelEncoding.DEPTH16_MM, new byte[8000], InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessage("DEPTH16_MM frame of 64×64 pixels needs 8192 bytes (2 per pixel) but has 8000.");
    }

    @Test
    void emptySizesUnknownEncodingsAndMissingDataAreFormatErrors() {
        assertThatThrownBy(() -> FramePreprocessor.toInput(0, 64, PixelEncoding.GRAY8, new byte[0], InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("0×64 is empty");
        assertThatThrownBy(() -> FramePreprocessor.toInput(2, 2, PixelEncoding.UNKNOWN, new byte[4], InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("UNKNOWN is not one");
        assertThatThrownBy(() -> FramePreprocessor.toInput(2, 2, null, new byte[4], InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("no pixel encoding");
        assertThatThrownBy(() -> FramePreprocessor.toInput(2, 2, PixelEncoding.GRAY8, null, InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("no data");
        assertThatThrownBy(() -> FramePreprocessor.toInput(
                        100_000, 100_000, PixelEncoding.GRAY8, new byte[1], InputSpec.DEFAULT))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void writesIntoABatchArrayAtAnOffsetAndChecksItFits() {
        SensorFrame frame = frame(Modality.RGB, 1, 1, PixelEncoding.RGB8, ByteBuffer.wrap(new byte[] {0, 0, 0}));
        InputSpec spec = InputSpec.of(1, 1);
        float[] out = new float[7];

        FramePreprocessor.toInput(frame, spec, out, 4);

        assertThat(out).containsExactly(0, 0, 0, 0, -2, -2, -2);
        assertThatThrownBy(() -> FramePreprocessor.toInput(frame, spec, out, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theFrameModalityDoesNotChangeARawEncoding() {
        byte[] depth = u16(500, 0, 700, 900);

        assertThat(FramePreprocessor.toInput(Modality.RGB, 2, 2, PixelEncoding.DEPTH16_MM, depth, InputSpec.DEFAULT))
                .containsExactly(FramePreprocessor.toInput(
                        Modality.DEPTH, 2, 2, PixelEncoding.DEPTH16_MM, depth, InputSpec.DEFAULT));
    }

    private static SensorFrame frame(
            Modality modality, int width, int height, PixelEncoding encoding, ByteBuffer data) {
        return SensorFrame.newBuilder()
                .setDeviceId("dev-1")
                .setSensorId("s0")
                .setModality(modality)
                .setCaptureTime(Instant.ofEpochSecond(1))
                .setSequence(42)
                .setWidth(width)
                .setHeight(height)
                .setEncoding(encoding)
                .setData(data)
                .setAttributes(Map.of())
                .build();
    }

    /** Unsigned 16-bit little-endian, as DEPTH16_MM and THERMAL16_CK carry it. */
    static byte[] u16(int... values) {
        byte[] out = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            out[2 * i] = (byte) values[i];
            out[2 * i + 1] = (byte) (values[i] >>> 8);
        }
        return out;
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        Arrays.fill(out, value);
        return out;
    }

    static float[] channel(float[] in, int channel, int planeSize) {
        return Arrays.copyOfRange(in, channel * planeSize, (channel + 1) * planeSize);
    }
}
