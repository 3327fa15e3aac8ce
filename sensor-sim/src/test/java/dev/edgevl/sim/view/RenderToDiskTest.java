package dev.edgevl.sim.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgevl.sim.world.WorldConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderToDiskTest {

    @Test
    void writesImagesAContactSheetAndTheTruth(@TempDir Path dir) throws Exception {
        RenderToDisk.Result result = RenderToDisk.render(5, 3, dir, WorldConfig.defaults());

        for (int i = 0; i < 3; i++) {
            for (String kind : new String[] {"rgb", "depth", "thermal"}) {
                BufferedImage image = ImageIO.read(
                        dir.resolve(String.format("scene-%04d-%s.png", i, kind)).toFile());
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(image.getHeight()).isEqualTo(64);
            }
        }
        BufferedImage sheet = ImageIO.read(result.contactSheet().toFile());
        assertThat(sheet.getWidth()).isGreaterThan(3 * 64 * 4);
        assertThat(sheet.getHeight()).isGreaterThan(3 * 64 * 4);

        JsonNode truth = new ObjectMapper().readTree(result.truthJson().toFile());
        assertThat(truth).hasSize(3);
        assertThat(truth.get(0).get("objects").get(0).get("primary").asBoolean())
                .isTrue();
        assertThat(truth.get(0).get("caption").asText())
                .isEqualTo(result.truths().get(0).caption());
        assertThat(Files.readAllLines(result.captions())).hasSize(3).allMatch(l -> l.startsWith("scene-000"));
    }

    @Test
    void theSameSeedWritesTheSameScenes(@TempDir Path a, @TempDir Path b) throws Exception {
        RenderToDisk.render(9, 1, a, WorldConfig.defaults());
        RenderToDisk.render(9, 1, b, WorldConfig.defaults());
        assertThat(Files.readAllBytes(a.resolve("scene-0000-depth.png")))
                .isEqualTo(Files.readAllBytes(b.resolve("scene-0000-depth.png")));
        assertThat(Files.readString(a.resolve("truth.json"))).isEqualTo(Files.readString(b.resolve("truth.json")));
    }
}
