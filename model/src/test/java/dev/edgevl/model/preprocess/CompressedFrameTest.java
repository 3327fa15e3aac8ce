package dev.edgevl.model.preprocess;

import static dev.edgevl.model.preprocess.FramePreprocessorTest.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class CompressedFrameTest {

    private static final InputSpec SPEC = InputSpec.of(8, 6);

    @Test
    void aPngOfAnRgbFrameGivesExactlyWhatTheRawFrameGives() {
        byte[] rgb = randomBytes(8 * 6 * 3, 1);
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < 48; i++) {
            int argb = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
            image.setRGB(i % 8, i / 8, argb);
        }

        float[] fromPng = FramePreprocessor.toInput(8, 6, PixelEncoding.PNG, encode(image, "png"), SPEC);

        assertThat(fromPng).containsExactly(FramePreprocessor.toInput(8, 6, PixelEncoding.RGB8, rgb, SPEC));
    }

    @Test
    void aGreyPngGivesExactlyWhatTheGray8FrameGives() {
        byte[] gray = randomBytes(48, 2);
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, 8, 6, gray);

        float[] fromPng =
                FramePreprocessor.toInput(Modality.DEPTH, 8, 6, PixelEncoding.PNG, encode(image, "png"), SPEC);

        assertThat(fromPng).containsExactly(FramePreprocessor.toInput(8, 6, PixelEncoding.GRAY8, gray, SPEC));
    }

    @Test
    void a16BitPngIsDepthOrThermalWhenTheModalitySaysSo() {
        int[] readings = new int[48];
        Random random = new Random(3);
        for (int i = 0; i < readings.length; i++) {
            readings[i] = random.nextInt(10) == 0 ? 0 : 400 + random.nextInt(5000);
        }
        byte[] png = encode(grey16(readings), "png");

        assertThat(FramePreprocessor.toInput(Modality.DEPTH, 8, 6, PixelEncoding.PNG, png, SPEC))
                .containsExactly(FramePreprocessor.toInput(8, 6, PixelEncoding.DEPTH16_MM, u16(readings), SPEC));
        assertThat(FramePreprocessor.toInput(Modality.THERMAL, 8, 6, PixelEncoding.PNG, png, SPEC))
                .containsExactly(FramePreprocessor.toInput(8, 6, PixelEncoding.THERMAL16_CK, u16(readings), SPEC));
    }

    @Test
    void a16BitPngOfAnotherModalityIsPlainGrey() {
        int[] readings = {0, 65535, 32768, 0, 0, 0};
        byte[] png = encode(grey16(readings, 3, 2), "png");
        InputSpec unit = InputSpec.of(3, 2).withNormalisation(new float[] {0, 0, 0}, new float[] {1, 1, 1});

        float[] in = FramePreprocessor.toInput(Modality.NIR, 3, 2, PixelEncoding.PNG, png, unit);

        assertThat(in[1]).isEqualTo(1f);
        assertThat(in[2]).isCloseTo(32768 / 65535f, within(1e-6f));
    }

    @Test
    void aJpegDecodesCloseToItsPixels() {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0x3366cc);
            }
        }
        InputSpec unit = SPEC.withNormalisation(new float[] {0, 0, 0}, new float[] {1, 1, 1});

        float[] in = FramePreprocessor.toInput(8, 6, PixelEncoding.JPEG, encode(image, "jpeg"), unit);

        assertThat(in[0]).isCloseTo(0.2f, within(0.03f));
        assertThat(in[48]).isCloseTo(0.4f, within(0.03f));
        assertThat(in[96]).isCloseTo(0.8f, within(0.03f));
    }

    @Test
    void aPngOfAnotherSizeThanTheFrameSaysIsRejected() {
        byte[] png = encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "png");

        assertThatThrownBy(() -> FramePreprocessor.toInput(8, 6, PixelEncoding.PNG, png, SPEC))
                .isInstanceOf(FrameFormatException.class)
                .hasMessage("PNG image is 4×4 but the frame says 8×6.");
    }

    @Test
    void bytesThatAreNotAPngAreAFormatError() {
        byte[] jpeg = encode(new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR), "jpeg");

        assertThatThrownBy(() -> FramePreprocessor.toInput(8, 6, PixelEncoding.PNG, randomBytes(100, 4), SPEC))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageStartingWith("PNG data does not decode");
        assertThatThrownBy(() -> FramePreprocessor.toInput(8, 6, PixelEncoding.PNG, jpeg, SPEC))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageStartingWith("PNG data does not decode");
    }

    @Test
    void aTruncatedPngIsAFormatError() {
        byte[] png = encode(grey16(new int[48]), "png");
        byte[] truncated = Arrays.copyOf(png, png.length / 2);

        assertThatThrownBy(() -> FramePreprocessor.toInput(8, 6, PixelEncoding.PNG, truncated, SPEC))
                .isInstanceOf(FrameFormatException.class);
    }

    private static BufferedImage grey16(int[] readings) {
        return grey16(readings, 8, 6);
    }

    private static BufferedImage grey16(int[] readings, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        raster.setSamples(0, 0, width, height, 0, readings);
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertThat(ImageIO.write(image, format, out))
                    .as("a " + format + " writer")
                    .isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
