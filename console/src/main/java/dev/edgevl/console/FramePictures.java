package dev.edgevl.console;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.sim.sensor.Encoding;
import dev.edgevl.sim.sensor.Frame;
import dev.edgevl.sim.view.FrameImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A sensor frame as a PNG a browser shows: RGB as it is, depth and thermal in false colour (the same colour maps as
 * {@code edgevl sim render}), PNG frames as they came. Empty for what cannot be drawn (a JPEG, GRAY8, an unknown encoding,
 * bytes that do not match the size).
 */
public final class FramePictures {
    private FramePictures() {}

    public static Optional<byte[]> png(SensorFrame frame) {
        if (frame == null) {
            return Optional.empty();
        }
        byte[] data = bytes(frame.getData());
        try {
            return switch (frame.getEncoding()) {
                case PNG -> Optional.of(data);
                case RGB8 -> Optional.of(encode(picture(frame, Encoding.RGB8, data)));
                case DEPTH16_MM -> Optional.of(encode(picture(frame, Encoding.DEPTH16_MM, data)));
                case THERMAL16_CK -> Optional.of(encode(picture(frame, Encoding.THERMAL16_CK, data)));
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the header lies about the size: nothing to draw
        }
    }

    private static BufferedImage picture(SensorFrame frame, Encoding encoding, byte[] data) {
        return FrameImages.toImage(new Frame(frame.getWidth(), frame.getHeight(), encoding, data));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
