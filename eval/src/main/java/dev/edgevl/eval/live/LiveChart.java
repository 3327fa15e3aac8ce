package dev.edgevl.eval.live;

import dev.edgevl.eval.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Accuracy over stream time as a line chart: student non-RGB, student RGB and teacher non-RGB, with
 * a vertical marker for each model version and drift event (retrain and gate events are drawn too,
 * fainter). Drawn with java.awt, headless.
 */
final class LiveChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 80;
    private static final Color NON_RGB = new Color(0x3B, 0x6E, 0xC8);
    private static final Color RGB = new Color(0xD6, 0x45, 0x45);
    private static final Color TEACHER = new Color(0x77, 0x77, 0x77);
    private static final Color VERSION = new Color(0x2E, 0x9B, 0x4E);
    private static final Color DRIFT = new Color(0xE8, 0x9B, 0x2E);
    private static final Color OTHER = new Color(0xBB, 0xBB, 0xDD);

    private LiveChart() {}

    static void write(LiveReport report, Path file) throws IOException {
        Png.write(WIDTH, HEIGHT, g -> draw(g, report), file);
    }

    private static void draw(Graphics2D g, LiveReport r) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double span = Math.max(1, r.duration().toMillis() / 1000.0);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(
                "Live top-1 against ground truth, " + r.scenario() + " ("
                        + r.window().toSeconds() + " s window)",
                LEFT,
                28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int pct = 0; pct <= 100; pct += 20) {
            int y = TOP + plotH - pct * plotH / 100;
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(pct + "%", LEFT - 40, y + 4);
        }
        for (int i = 0; i <= 5; i++) {
            double sec = span * i / 5;
            int x = LEFT + (int) Math.round(plotW * i / 5.0);
            g.drawString(String.format(java.util.Locale.ROOT, "%.0f s", sec), x - 12, TOP + plotH + 16);
        }
        int row = 0;
        for (LiveEvent e : r.events()) {
            Double sec = r.seconds(e.time());
            if (sec == null || sec < 0 || sec > span) {
                continue;
            }
            int x = LEFT + (int) Math.round(plotW * sec / span);
            Color c =
                    switch (e.kind()) {
                        case MODEL_VERSION -> VERSION;
                        case DRIFT -> DRIFT;
                        default -> OTHER;
                    };
            g.setColor(c);
            g.setStroke(new BasicStroke(
                    e.kind() == LiveEvent.Kind.DRIFT ? 2 : 1,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    10,
                    new float[] {5, 4},
                    0));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setStroke(new BasicStroke(1));
            if (e.kind() == LiveEvent.Kind.MODEL_VERSION || e.kind() == LiveEvent.Kind.DRIFT) {
                g.drawString(e.text(), x + 3, TOP + 12 + 14 * (row++ % 6));
            }
        }
        line(g, r, TimePoint::teacherNonRgbTop1, TEACHER, span, plotW, plotH);
        line(g, r, TimePoint::rgbTop1, RGB, span, plotW, plotH);
        line(g, r, TimePoint::nonRgbTop1, NON_RGB, span, plotW, plotH);
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        String[] names = {"student non-RGB", "student RGB", "teacher non-RGB", "model version", "drift"};
        Color[] colours = {NON_RGB, RGB, TEACHER, VERSION, DRIFT};
        int lx = LEFT;
        int ly = HEIGHT - 25;
        for (int i = 0; i < names.length; i++) {
            g.setColor(colours[i]);
            g.fillRect(lx, ly - 10, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString(names[i], lx + 20, ly);
            lx += 40 + g.getFontMetrics().stringWidth(names[i]);
        }
    }

    /** A polyline through the points that have a value; a gap (null) breaks the line. */
    private static void line(
            Graphics2D g,
            LiveReport r,
            Function<TimePoint, Double> value,
            Color colour,
            double span,
            int plotW,
            int plotH) {
        g.setColor(colour);
        g.setStroke(new BasicStroke(2));
        Integer px = null;
        Integer py = null;
        for (TimePoint p : r.points()) {
            Double v = value.apply(p);
            Double sec = r.seconds(p.time());
            if (v == null || sec == null) {
                px = null;
                continue;
            }
            int x = LEFT + (int) Math.round(plotW * Math.max(0, Math.min(span, sec)) / span);
            int y = TOP + plotH - (int) Math.round(plotH * v);
            if (px != null) {
                g.drawLine(px, py, x, y);
            } else {
                g.fillOval(x - 2, y - 2, 4, 4);
            }
            px = x;
            py = y;
        }
        g.setStroke(new BasicStroke(1));
    }
}
