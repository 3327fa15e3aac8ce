package dev.edgevl.eval.live;

import dev.edgevl.avro.Modality;
import dev.edgevl.eval.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Accuracy over stream time, one panel per modality (depth, thermal, RGB): what the fleet ran (adaptive), the frozen v0
 * and the teacher alone, over the same sliding window; a vertical marker for each model version and drift event (the
 * end of a drift and retrain or gate events fainter). Drawn with java.awt, headless.
 */
final class LiveChart {
    static final int WIDTH = 1000;
    static final int PANEL = 230;
    static final int HEIGHT = 60 + 3 * (PANEL + 30) + 50;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final Color ADAPTIVE = new Color(0x3B, 0x6E, 0xC8);
    private static final Color FROZEN = new Color(0xD6, 0x45, 0x45);
    private static final Color TEACHER = new Color(0x77, 0x77, 0x77);
    private static final Color VERSION = new Color(0x2E, 0x9B, 0x4E);
    private static final Color DRIFT = new Color(0xE8, 0x9B, 0x2E);
    private static final Color OTHER = new Color(0xBB, 0xBB, 0xDD);

    private LiveChart() {}

    static void write(LiveReport report, Path file) throws IOException {
        Png.write(WIDTH, HEIGHT, g -> draw(g, report), file);
    }

    private static void draw(Graphics2D g, LiveReport r) {
        double span = Math.max(1, r.duration().toMillis() / 1000.0);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(
                "Top-1 against ground truth, " + r.scenario() + ": adaptive vs frozen v0 vs teacher alone ("
                        + r.window().toSeconds() + " s window)",
                LEFT,
                28);
        int y = TOP;
        for (Modality m : Scoreboard.MODALITIES) {
            panel(g, r, m, y, span);
            y += PANEL + 30;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        String[] names = {"adaptive (what the fleet ran)", "frozen v0", "teacher alone", "model version", "drift"};
        Color[] colours = {ADAPTIVE, FROZEN, TEACHER, VERSION, DRIFT};
        int lx = LEFT;
        int ly = HEIGHT - 20;
        for (int i = 0; i < names.length; i++) {
            g.setColor(colours[i]);
            g.fillRect(lx, ly - 10, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString(names[i], lx + 20, ly);
            lx += 40 + g.getFontMetrics().stringWidth(names[i]);
        }
    }

    private static void panel(Graphics2D g, LiveReport r, Modality m, int top, double span) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = PANEL - 20;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(m.name(), LEFT, top - 4);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = top + plotH - pct * plotH / 100;
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(pct + "%", LEFT - 40, y + 4);
        }
        for (int i = 0; i <= 6; i++) {
            double sec = span * i / 6;
            int x = LEFT + (int) Math.round(plotW * i / 6.0);
            g.drawString(
                    String.format(Locale.ROOT, "%d:%02d", Math.round(sec) / 60, Math.round(sec) % 60),
                    x - 12,
                    top + plotH + 14);
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
            g.drawLine(x, top, x, top + plotH);
            g.setStroke(new BasicStroke(1));
            if (e.kind() == LiveEvent.Kind.MODEL_VERSION || e.kind() == LiveEvent.Kind.DRIFT) {
                String label = e.kind() == LiveEvent.Kind.DRIFT ? e.segmentName() : e.text();
                g.drawString(label, x + 3, top + 11 + 12 * (row++ % 4));
            }
        }
        line(g, r, p -> judged(p, m, TimePoint.Judged::teacher), TEACHER, span, top, plotW, plotH);
        line(g, r, p -> judged(p, m, TimePoint.Judged::frozen), FROZEN, span, top, plotW, plotH);
        line(g, r, p -> judged(p, m, TimePoint.Judged::adaptive), ADAPTIVE, span, top, plotW, plotH);
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, top, LEFT, top + plotH);
        g.drawLine(LEFT, top + plotH, LEFT + plotW, top + plotH);
    }

    private static Double judged(TimePoint p, Modality m, Function<TimePoint.Judged, Double> which) {
        TimePoint.Judged j = p.modalities().get(m);
        return j == null ? null : which.apply(j);
    }

    /** A polyline through the points that have a value; a gap (null) breaks the line. */
    private static void line(
            Graphics2D g,
            LiveReport r,
            Function<TimePoint, Double> value,
            Color colour,
            double span,
            int top,
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
            int y = top + plotH - (int) Math.round(plotH * v);
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
