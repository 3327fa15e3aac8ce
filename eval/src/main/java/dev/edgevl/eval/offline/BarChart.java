package dev.edgevl.eval.offline;

import dev.edgevl.eval.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The table as a grouped bar chart: one group per model, one bar per sensor, a dashed line at chance. */
final class BarChart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 90;
    private static final Color[] COLOURS = {
        new Color(0xD6, 0x45, 0x45), new Color(0x3B, 0x6E, 0xC8), new Color(0xE8, 0x9B, 0x2E)
    };
    private static final String[] SERIES = {"RGB", "depth", "thermal"};

    private BarChart() {}

    static void write(OfflineReport report, Path file) throws IOException {
        Png.write(WIDTH, HEIGHT, g -> draw(g, report), file);
    }

    private static void draw(Graphics2D g, OfflineReport report) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Held-out zero-shot shape top-1 (ground truth)", LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int pct = 0; pct <= 100; pct += 20) {
            int y = TOP + plotH - pct * plotH / 100;
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(pct + "%", LEFT - 40, y + 4);
        }
        List<OfflineReport.Row> rows = report.rows();
        int group = plotW / rows.size();
        int bar = group / 4;
        for (int r = 0; r < rows.size(); r++) {
            OfflineReport.Row row = rows.get(r);
            double[] values = {row.rgbTop1(), row.depthTop1(), row.thermalTop1()};
            int x0 = LEFT + r * group + (group - 3 * bar) / 2;
            for (int s = 0; s < values.length; s++) {
                int h = (int) Math.round(values[s] * plotH);
                g.setColor(COLOURS[s]);
                g.fillRect(x0 + s * bar, TOP + plotH - h, bar - 2, h);
                g.setColor(Color.BLACK);
                String label = String.format("%.0f", 100 * values[s]);
                g.drawString(
                        label, x0 + s * bar + (bar - g.getFontMetrics().stringWidth(label)) / 2, TOP + plotH - h - 3);
            }
            g.setColor(Color.BLACK);
            String name = row.name();
            g.drawString(name, LEFT + r * group + (group - g.getFontMetrics().stringWidth(name)) / 2, TOP + plotH + 18);
        }
        int chanceY = TOP + plotH - (int) Math.round(report.setup().chance() * plotH);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(LEFT, chanceY, LEFT + plotW, chanceY);
        g.drawString("chance", LEFT + plotW - 45, chanceY - 3);
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        int lx = LEFT;
        int ly = HEIGHT - 30;
        for (int s = 0; s < SERIES.length; s++) {
            g.setColor(COLOURS[s]);
            g.fillRect(lx, ly - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(SERIES[s], lx + 20, ly);
            lx += 100;
        }
        g.drawString(
                String.format(
                        "%d held-out scenes, %d training scenes, %d shapes",
                        report.setup().heldOutScenes(),
                        report.setup().trainScenes(),
                        report.setup().labels()),
                lx + 20,
                ly);
    }
}
