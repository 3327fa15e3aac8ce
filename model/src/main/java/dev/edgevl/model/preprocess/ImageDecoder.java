package dev.edgevl.model.preprocess;

import dev.edgevl.avro.Modality;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG and JPEG frames with {@code javax.imageio} (no display needed) into {@link Planes}.
 * Colour images become three planes, grey ones one. A 16-bit grey PNG is a range image when the
 * frame's modality says so (depth in millimetres, thermal in centikelvin, 0 = no reading) and is then
 * scaled exactly like {@code DEPTH16_MM} and {@code THERMAL16_CK}; otherwise it is plain grey.
 * An 8-bit grey PNG is taken as already rendered, whatever the modality.
 */
final class ImageDecoder {

    private ImageDecoder() {}

    static Planes decode(String format, Modality modality, int width, int height, byte[] data, int offset, int length) {
        BufferedImage image = read(format, width, height, data, offset, length);
        Raster raster = image.getRaster();
        ColorModel colours = image.getColorModel();
        int colourSpace = colours.getColorSpace().getType();
        boolean components = colours instanceof ComponentColorModel;
        if (components && colourSpace == ColorSpace.TYPE_GRAY) {
            return grey(raster, modality, width, height);
        }
        if (components && colourSpace == ColorSpace.TYPE_RGB && raster.getNumBands() >= 3) {
            return bands(raster, 3, width, height);
        }
        return argb(image, width, height);
    }

    private static BufferedImage read(String format, int width, int height, byte[] data, int offset, int length) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new FrameFormatException("This JVM has no " + format + " decoder.");
        }
        ImageReader reader = readers.next();
        // an explicit memory cache: ImageIO would otherwise buffer the stream in a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data, offset, length))) {
            reader.setInput(in, true, true);
            int actualWidth = reader.getWidth(0);
            int actualHeight = reader.getHeight(0);
            if (actualWidth != width || actualHeight != height) {
                throw new FrameFormatException(format + " image is " + actualWidth + "×" + actualHeight
                        + " but the frame says " + width + "×" + height + ".");
            }
            BufferedImage image = reader.read(0);
            if (image == null) {
                throw new FrameFormatException(format + " data holds no image.");
            }
            return image;
        } catch (FrameFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // corrupt data surfaces as anything from IIOException to ArrayIndexOutOfBounds
            throw new FrameFormatException(format + " data does not decode (" + e.getMessage() + ").", e);
        } finally {
            reader.dispose();
        }
    }

    private static Planes grey(Raster raster, Modality modality, int width, int height) {
        int bits = raster.getSampleModel().getSampleSize(0);
        int[] samples = raster.getSamples(0, 0, width, height, 0, (int[]) null);
        if (bits == 16 && modality == Modality.DEPTH) {
            return RawDecoder.range(width, height, samples, RangePolarity.LOW_IS_BRIGHT);
        }
        if (bits == 16 && modality == Modality.THERMAL) {
            return RawDecoder.range(width, height, samples, RangePolarity.HIGH_IS_BRIGHT);
        }
        float[] out = new float[width * height];
        // divide, as UNIT_BYTE does, so an 8-bit PNG gives the very floats its raw frame gives
        float max = (1 << bits) - 1;
        for (int i = 0; i < out.length; i++) {
            out[i] = samples[i] / max;
        }
        return new Planes(1, width, height, out);
    }

    private static Planes bands(Raster raster, int channels, int width, int height) {
        int n = width * height;
        float[] out = new float[channels * n];
        int[] samples = new int[n];
        for (int c = 0; c < channels; c++) {
            float max = (1 << raster.getSampleModel().getSampleSize(c)) - 1;
            raster.getSamples(0, 0, width, height, c, samples);
            for (int i = 0; i < n; i++) {
                out[c * n + i] = samples[i] / max;
            }
        }
        return new Planes(channels, width, height, out);
    }

    /** Palettes and anything unusual: let Java2D convert to 8-bit sRGB. */
    private static Planes argb(BufferedImage image, int width, int height) {
        int n = width * height;
        int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int p = pixels[i];
            out[i] = RawDecoder.UNIT_BYTE[(p >>> 16) & 0xff];
            out[n + i] = RawDecoder.UNIT_BYTE[(p >>> 8) & 0xff];
            out[2 * n + i] = RawDecoder.UNIT_BYTE[p & 0xff];
        }
        return new Planes(3, width, height, out);
    }
}
