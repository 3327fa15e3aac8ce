package dev.edgevl.eval.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a report as JSON and as a PNG bar chart. */
public final class ReportFiles {
    private ReportFiles() {}

    public static void writeJson(OfflineReport report, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    }

    public static void writeChart(OfflineReport report, Path file) throws IOException {
        BarChart.write(report, file);
    }
}
