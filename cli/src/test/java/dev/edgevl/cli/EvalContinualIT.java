package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgevl eval continual --quick} as a user runs it: the adaptive loop in accelerated time (the simulator, frame
 * sync's rules, the job's batches, the teacher, the distiller with its real rounds) writes the segment table with the
 * three figures per modality, and a second run of the same seed writes the same figures.
 */
class EvalContinualIT {

    @Test
    void theQuickRunProvesThePipelineAndIsDeterministicForASeed(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.json");
        EdgevlTest.Run run = EdgevlTest.run(
                "eval", "continual", "--quick", "--minutes", "1.6", "--seed", "7", "--report", first.toString());
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("segment", "DEPTH adapt/frozen/teacher", "Report: ");
        assertThat(Files.size(dir.resolve("first.png"))).isGreaterThan(1000);

        JsonNode json = new ObjectMapper().readTree(first.toFile());
        assertThat(json.at("/firstLabelledAnnotationSeconds").asDouble())
                .as("v0 is live from the first frame")
                .isLessThan(1.0);
        JsonNode segments = json.path("segments");
        assertThat(segments.size()).as("start, then the RGB dropout at 1:30").isEqualTo(2);
        assertThat(segments.get(0).path("name").asText()).isEqualTo("start");
        assertThat(segments.get(1).path("name").asText()).isEqualTo("sensor-dropout");
        assertThat(segments.get(0).path("versions").get(0).asLong()).isZero();
        for (String modality : List.of("DEPTH", "THERMAL", "RGB")) {
            JsonNode m = segments.get(0).path("modalities").path(modality);
            assertThat(m.path("judged").asLong()).as(modality).isGreaterThan(500);
            for (String judge : List.of("adaptive", "frozen", "teacher")) {
                assertThat(m.path(judge).isNumber()).as(modality + " " + judge).isTrue();
            }
            if (segments.get(0).path("versions").size() == 1) {
                assertThat(m.path("adaptive").asDouble())
                        .as("%s: while v0 is live, what the fleet ran is the frozen student", modality)
                        .isEqualTo(m.path("frozen").asDouble());
            }
        }
        assertThat(json.at("/routing/share").asDouble()).isBetween(0.01, 0.06);
        assertThat(json.at("/pairing/THERMAL/pairs").asLong()).isPositive();
        assertThat(json.path("events").toString()).contains("RETRAIN");

        Path second = dir.resolve("second.json");
        EdgevlTest.Run again = EdgevlTest.run(
                "eval", "continual", "--quick", "--minutes", "1.6", "--seed", "7", "--report", second.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode json2 = new ObjectMapper().readTree(second.toFile());
        assertThat(json2.path("segments")).as("the same seed, the same figures").isEqualTo(segments);
        assertThat(json2.path("events")).isEqualTo(json.path("events"));
    }
}
