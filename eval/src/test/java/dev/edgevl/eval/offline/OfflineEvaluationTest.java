package dev.edgevl.eval.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick configuration runs every phase and reports every figure. Accuracy targets are not checked
 * here: a few dozen scenes say nothing about them; the full run does.
 */
class OfflineEvaluationTest {
    @TempDir
    Path dir;

    @Test
    void theQuickRunReportsEveryRowAndFigureAndWritesItsFiles() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
        OfflineReport report = OfflineEvaluation.run(OfflineConfig.quick(7), true, dir.resolve("cache"), progress);

        assertThat(report.rows()).extracting(OfflineReport.Row::name).containsExactlyElementsOf(OfflineEvaluation.ROWS);
        for (OfflineReport.Row row : report.rows()) {
            assertThat(java.util.List.of(row.rgbTop1(), row.depthTop1(), row.thermalTop1()))
                    .allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        }
        assertThat(report.sizes().teacherParameters())
                .isGreaterThan(report.sizes().studentParameters());
        assertThat(report.sizes().int8OnnxBytes())
                .isPositive()
                .isLessThan(report.sizes().fp32OnnxBytes());
        assertThat(report.speeds()).hasSize(4).allSatisfy(s -> assertThat(s.framesPerSecond())
                .isPositive());
        assertThat(report.timings())
                .containsKeys("teacher pretraining", "stage 1 distillation", "stage 2 QAT", "total");
        assertThat(report.targets()).hasSize(5);
        assertThat(report.summary()).contains("teacher");
        OfflineReport.Setup setup = report.setup();
        assertThat(setup.stage2CheckScenes())
                .as("a share of the training scenes is kept out of stage 2 to check it")
                .isPositive()
                .isLessThan(setup.trainScenes());
        assertThat(setup.stage2CheckAgreements())
                .as("post-training int8 and every quarter of stage 2 on the check")
                .hasSizeGreaterThanOrEqualTo(2);
        java.util.List<Double> checked = setup.stage2CheckAgreements();
        double bestCheckpoint = java.util.Collections.max(checked.subList(1, checked.size()));
        if (setup.stage2ExportedStep() == 0) {
            assertThat(checked.get(0))
                    .as("post-training int8 beat every checkpoint")
                    .isGreaterThan(bestCheckpoint);
        } else {
            assertThat(setup.stage2ExportedStep()).isBetween(1, setup.qatSteps());
            assertThat(bestCheckpoint)
                    .as("a checkpoint at least as good as post-training int8")
                    .isGreaterThanOrEqualTo(checked.get(0));
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("teacher: epoch 1/1");

        Path json = dir.resolve("report.json");
        Path png = dir.resolve("chart.png");
        ReportFiles.writeJson(report, json);
        ReportFiles.writeChart(report, png);
        JsonNode tree = new ObjectMapper().readTree(json.toFile());
        assertThat(tree.get("rows")).hasSize(4);
        assertThat(tree.get("rows").get(0).get("name").asText()).isEqualTo("teacher");
        assertThat(tree.get("rows").get(3).has("depthTop1")).isTrue();
        assertThat(tree.get("targets").get(0).has("met")).isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(100);

        // The second run finds the pretrained teacher in the cache and gives the same teacher figures.
        OfflineReport again = OfflineEvaluation.run(OfflineConfig.quick(7), true, dir.resolve("cache"), progress);
        assertThat(again.setup().teacherFromCache()).isTrue();
        assertThat(again.row(OfflineEvaluation.TEACHER)).isEqualTo(report.row(OfflineEvaluation.TEACHER));
        assertThat(Files.list(dir.resolve("cache"))).hasSize(1);
    }
}
