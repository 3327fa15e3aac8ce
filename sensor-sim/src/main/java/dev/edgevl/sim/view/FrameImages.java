package dev.edgevl.sim.view;

import dev.edgevl.sim.sensor.Frame;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns sensor frames into pictures a person can read. Depth and thermal are stretched between the
 * 2nd and 98th percentile of the frame's readings (so one hot pixel does not flatten the rest);
 * pixels without a reading are black. Depth is also shaded by its own slopes (a hillshade of the
 * smoothed readings): a colour ramp alone shows distance, but people read shape from shading.
 */
public final class FrameImages {

    private FrameImages() {}

    public static BufferedImage toImage(Frame frame) {
        return switch (frame.encoding()) {
            case RGB8 -> rgb(frame);
            // near is red, far is blue
            case DEPTH16_MM -> relief(frame, mapped(frame, ColourMaps.TURBO, true));
            case THERMAL16_CK -> mapped(frame, ColourMaps.IRON, false);
        };
    }

    private static BufferedImage rgb(Frame frame) {
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int p = y * frame.width() + x;
                image.setRGB(x, y, frame.rgb(p, 0) << 16 | frame.rgb(p, 1) << 8 | frame.rgb(p, 2));
            }
        }
        return image;
    }

    private static BufferedImage mapped(Frame frame, int[][] palette, boolean nearIsHigh) {
        int n = frame.width() * frame.height();
        int[] values = new int[n];
        int valid = 0;
        for (int p = 0; p < n; p++) {
            int v = frame.u16(p);
            if (v != 0) {
                values[valid++] = v;
            }
        }
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        if (valid == 0) {
            return image;
        }
        int[] sorted = Arrays.copyOf(values, valid);
        Arrays.sort(sorted);
        float lo = sorted[(int) (0.02 * (valid - 1))];
        float hi = Math.max(sorted[(int) (0.98 * (valid - 1))], lo + 1);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int v = frame.u16(y * frame.width() + x);
                if (v == 0) {
                    continue;
                }
                float t = (v - lo) / (hi - lo);
                image.setRGB(x, y, ColourMaps.at(palette, nearIsHigh ? 1f - t : t));
            }
        }
        return image;
    }

    private static BufferedImage relief(Frame frame, BufferedImage coloured) {
        int w = frame.width();
        int h = frame.height();
        float[] smooth = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float sum = 0;
                int n = 0;
                for (int j = Math.max(0, y - 1); j <= Math.min(h - 1, y + 1); j++) {
                    for (int i = Math.max(0, x - 1); i <= Math.min(w - 1, x + 1); i++) {
                        int v = frame.u16(j * w + i);
                        if (v != 0) {
                            sum += v;
                            n++;
                        }
                    }
                }
                smooth[y * w + x] = n == 0 ? 0 : sum / n;
            }
        }
        // a pixel spans about depth x 1% at the world's field of view; slopes are relative to that
        final float pixelSpan = 0.0095f;
        // lit from just above the camera, so surfaces facing the sensor stand out from the receding floor
        final float lx = -0.2f;
        final float ly = -0.3f;
        final float lz = 0.93f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                float c = smooth[p];
                int left = y * w + Math.max(x - 1, 0);
                int right = y * w + Math.min(x + 1, w - 1);
                int up = Math.max(y - 1, 0) * w + x;
                int down = Math.min(y + 1, h - 1) * w + x;
                if (frame.u16(p) == 0
                        || c == 0
                        || smooth[left] == 0
                        || smooth[right] == 0
                        || smooth[up] == 0
                        || smooth[down] == 0) {
                    continue;
                }
                float sx = (smooth[right] - smooth[left]) / ((right - left) * c * pixelSpan);
                float sy = (smooth[down] - smooth[up]) / ((down - up) / w * c * pixelSpan);
                float len = (float) Math.sqrt(sx * sx + sy * sy + 1f);
                float shade = Math.max(0f, (-sx * lx - sy * ly + lz) / len);
                float k = 0.3f + 0.7f * shade;
                int rgb = coloured.getRGB(x, y);
                int r = Math.min(255, Math.round(((rgb >> 16) & 0xff) * k));
                int g = Math.min(255, Math.round(((rgb >> 8) & 0xff) * k));
                int b = Math.min(255, Math.round((rgb & 0xff) * k));
                coloured.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return coloured;
    }
}
