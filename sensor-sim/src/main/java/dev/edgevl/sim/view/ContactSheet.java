package dev.edgevl.sim.view;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of scenes for a person to look at: one row per scene with its RGB, depth and thermal images
 * side by side, enlarged with nearest-neighbour (so the real pixels stay visible), and the caption
 * under them.
 */
final class ContactSheet {

    private static final int GAP = 8;
    private static final int HEADER = 22;
    private static final int CAPTION = 22;
    private static final String[] COLUMNS = {"RGB", "depth", "thermal"};

    private final int zoom;
    private final List<BufferedImage[]> rows = new ArrayList<>();
    private final List<String> captions = new ArrayList<>();

    ContactSheet(int zoom) {
        this.zoom = zoom;
    }

    void add(String caption, BufferedImage rgb, BufferedImage depth, BufferedImage thermal) {
        rows.add(new BufferedImage[] {rgb, depth, thermal});
        captions.add(caption);
    }

    BufferedImage draw() {
        if (rows.isEmpty()) {
            throw new IllegalStateException("a contact sheet needs at least one scene");
        }
        int tileW = rows.get(0)[0].getWidth() * zoom;
        int tileH = rows.get(0)[0].getHeight() * zoom;
        int width = GAP + 3 * (tileW + GAP);
        int height = HEADER + rows.size() * (tileH + CAPTION + GAP) + GAP;
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(24, 24, 28));
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(new Color(200, 200, 210));
            for (int c = 0; c < 3; c++) {
                g.drawString(COLUMNS[c], GAP + c * (tileW + GAP), HEADER - 6);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            FontMetrics metrics = g.getFontMetrics();
            for (int r = 0; r < rows.size(); r++) {
                int top = HEADER + r * (tileH + CAPTION + GAP);
                for (int c = 0; c < 3; c++) {
                    g.drawImage(rows.get(r)[c], GAP + c * (tileW + GAP), top, tileW, tileH, null);
                }
                g.setColor(new Color(235, 235, 240));
                g.drawString(
                        fit(captions.get(r), metrics, width - 2 * GAP), GAP, top + tileH + metrics.getAscent() + 2);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
