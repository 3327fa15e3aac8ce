package dev.edgevl.sim.sensor;

import java.util.Arrays;

/**
 * One sensor image as a device would send it: size, encoding and bytes, and deliberately nothing about
 * what the picture shows (ground truth travels separately, to evaluators only).
 */
public record Frame(int width, int height, Encoding encoding, byte[] data) {

    public Frame {
        int expected = width * height * encoding.bytesPerPixel();
        if (data.length != expected) {
            throw new IllegalArgumentException(
                    encoding + " " + width + "x" + height + " needs " + expected + " bytes, got " + data.length);
        }
    }

    /** The unsigned 16-bit value of a pixel of a DEPTH16_MM or THERMAL16_CK frame. */
    public int u16(int pixel) {
        return (data[2 * pixel] & 0xff) | (data[2 * pixel + 1] & 0xff) << 8;
    }

    /** The 8-bit value of channel {@code c} (0 = R) of a pixel of an RGB8 frame. */
    public int rgb(int pixel, int c) {
        return data[3 * pixel + c] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && f.width == width
                && f.height == height
                && f.encoding == encoding
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + encoding.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Frame[" + encoding + " " + width + "x" + height + ", " + data.length + " bytes]";
    }
}
