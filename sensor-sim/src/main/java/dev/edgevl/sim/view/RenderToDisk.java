package dev.edgevl.sim.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgevl.sim.Seeds;
import dev.edgevl.sim.sensor.DepthModel;
import dev.edgevl.sim.sensor.SensorRig;
import dev.edgevl.sim.truth.SceneTruth;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneSampler;
import dev.edgevl.sim.world.WorldConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes scenes of the world to a folder so a person can see what the sensors see: per scene an RGB,
 * a colour-mapped depth and an iron-palette thermal PNG, plus a contact sheet of them all with their
 * captions, the ground truth as JSON and the captions as text.
 *
 * <p>Scene {@code i} is the scene whose id is {@code Seeds.derive(seed, i)}, so a seed and an index
 * name a scene for good.
 */
public final class RenderToDisk {

    /** How a batch of scenes should be captured: day light and the default depth sensor unless told otherwise. */
    public record Settings(WorldConfig world, double lightLevel, DepthModel depthModel, int zoom) {

        public static Settings of(WorldConfig world) {
            return new Settings(world, 1.0, DepthModel.DEFAULT, 4);
        }

        public Settings withLightLevel(double level) {
            return new Settings(world, level, depthModel, zoom);
        }

        public Settings withDepthModel(DepthModel model) {
            return new Settings(world, lightLevel, model, zoom);
        }
    }

    /** What was written: the files of each scene, the contact sheet and the truth of every scene. */
    public record Result(Path contactSheet, Path truthJson, Path captions, List<SceneTruth> truths) {}

    static {
        // Drawing text needs AWT; there is no display here or on a server.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private RenderToDisk() {}

    public static Result render(long seed, int count, Path outDir, WorldConfig world) {
        return render(seed, count, outDir, Settings.of(world));
    }

    public static Result render(long seed, int count, Path outDir, Settings settings) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        try {
            Files.createDirectories(outDir);
            SceneSampler sampler = new SceneSampler(settings.world());
            SensorRig rig = new SensorRig();
            ContactSheet sheet = new ContactSheet(settings.zoom());
            List<SceneTruth> truths = new ArrayList<>();
            StringBuilder captions = new StringBuilder();
            for (int i = 0; i < count; i++) {
                Scene scene = sampler.sample(Seeds.derive(seed, i));
                SceneTruth truth = SceneTruth.of(scene);
                SensorRig.Triple triple = rig.capture(
                        scene,
                        settings.lightLevel(),
                        settings.depthModel(),
                        new Random(Seeds.derive(scene.id(), "noise")));
                String stem = String.format("scene-%04d", i);
                BufferedImage rgb = write(FrameImages.toImage(triple.rgb()), outDir.resolve(stem + "-rgb.png"));
                BufferedImage depth = write(FrameImages.toImage(triple.depth()), outDir.resolve(stem + "-depth.png"));
                BufferedImage thermal =
                        write(FrameImages.toImage(triple.thermal()), outDir.resolve(stem + "-thermal.png"));
                sheet.add(stem + ": " + truth.caption(), rgb, depth, thermal);
                truths.add(truth);
                captions.append(stem).append('\t').append(truth.caption()).append('\n');
            }
            Path sheetFile = outDir.resolve("contact-sheet.png");
            write(sheet.draw(), sheetFile);
            Path truthFile = outDir.resolve("truth.json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(truthFile.toFile(), truths);
            Path captionFile = outDir.resolve("captions.txt");
            Files.writeString(captionFile, captions, StandardCharsets.UTF_8);
            return new Result(sheetFile, truthFile, captionFile, List.copyOf(truths));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write scenes to " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static BufferedImage write(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available in this JVM");
        }
        return image;
    }
}
