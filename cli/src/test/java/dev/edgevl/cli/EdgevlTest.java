package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EdgevlTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Edgevl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Edgevl.commandLine(), new ArrayList<>(), paths);
        assertThat(paths)
                .extracting(p -> String.join(" ", p))
                .contains(
                        "local",
                        "kafka",
                        "topics create",
                        "topics list",
                        "schemas list",
                        "schemas show",
                        "schemas register",
                        "sim render",
                        "sim scenarios",
                        "simulate",
                        "agent",
                        "ingest",
                        "watch",
                        "bench render",
                        "bench sync",
                        "bench model",
                        "eval offline",
                        "teacher pretrain",
                        "teacher serve",
                        "labels add",
                        "labels remove",
                        "labels list");
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run run = run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out())
                    .as(String.join(" ", args))
                    .startsWith("Usage: edgevl")
                    .contains("-h, --help");
        }
    }

    private static void collect(CommandLine command, List<String> prefix, List<List<String>> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            paths.add(path);
            collect(sub, path, paths);
        });
    }

    @Test
    void devicesWithAgentsNeedAKeyToTrust() {
        Run agent = run("agent", "-b", "127.0.0.1:1", "--duration", "1s");
        assertThat(agent.exitCode()).isEqualTo(2);
        assertThat(agent.err()).contains("agent.trusted-keys names no key file");
        Run missing = run("simulate", "--agents", "--trust", "no-such-key.pem", "-b", "127.0.0.1:1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no-such-key.pem, which does not exist");
        Run trustAlone = run("simulate", "--trust", "key.pem", "-b", "127.0.0.1:1");
        assertThat(trustAlone.exitCode()).isEqualTo(2);
        assertThat(trustAlone.err()).contains("add --agents");
    }

    @Test
    void settingsListsEverySettingWithItsDefaultAndEnvironmentVariable() {
        Run run = run("settings");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "Frame sync (edgevl ingest)",
                        "sync.tolerance = auto   [EDGEVL_SYNC_TOLERANCE]",
                        "sync.tolerance.max = 100ms   [EDGEVL_SYNC_TOLERANCE_MAX]",
                        "registry.basic-auth.user-info = —   [EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO]",
                        "How far apart in capture time");
        for (dev.edgevl.config.ConfigOption<?> option : SettingsCatalogue.options()) {
            assertThat(run.out()).contains("  " + option.key() + " = ", option.envName());
        }
        assertThat(run.out().lines())
                .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(140));

        Run markdown = run("settings", "--markdown");
        assertThat(markdown.exitCode()).isZero();
        assertThat(markdown.out())
                .contains(
                        "## Frame sync (edgevl ingest)\n\n| key | default | meaning |",
                        SettingsCatalogue.markdownTable(SettingsCatalogue.section("distiller")));
    }

    @Test
    void topicsListShowsTheCatalogueWithoutACluster() {
        Run run = run("topics", "list");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("frames.paired", "FramePair", "models", "compact", "latest per key", "frames.rgb.dlq");
    }

    @Test
    void schemasListAndShowDescribeTheContract() {
        Run list = run("schemas", "list");
        assertThat(list.out())
                .contains("dev.edgevl.avro.SensorFrame", "frames.rgb, frames.aux", "dev.edgevl.avro.ModelVersion");
        Run show = run("schemas", "show", "framepair");
        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("\"name\" : \"FramePair\"", "skewMicros");
        Run unknown = run("schemas", "show", "Banana");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("No record called Banana");
    }

    @Test
    void simRenderWritesImagesAPersonCanOpen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Run run = run("sim", "render", "--seed", "4", "--count", "2", "--out", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Rendered 2 scenes", "contact-sheet.png");
        java.awt.image.BufferedImage sheet =
                javax.imageio.ImageIO.read(dir.resolve("contact-sheet.png").toFile());
        assertThat(sheet.getWidth()).isGreaterThan(3 * 64);
        assertThat(java.nio.file.Files.readString(dir.resolve("captions.txt"))).isNotBlank();
    }

    @Test
    void evalOfflineQuickWritesTheTableAReportAndAChart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path report = dir.resolve("eval.json");
        java.nio.file.Path chart = dir.resolve("eval.png");
        Run run = run(
                "eval",
                "offline",
                "--quick",
                "--report",
                report.toString(),
                "--chart",
                chart.toString(),
                "--cache",
                dir.resolve("cache").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("teacher", "student int8");
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertThat(json.toString()).contains("depthTop1");
        assertThat(javax.imageio.ImageIO.read(chart.toFile())).isNotNull();
    }

    @Test
    void teacherPretrainCopiesTheCommittedTeacherInsteadOfTrainingIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
        Run run = run("teacher", "pretrain", "--seed", "1", "--cache", cache.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("not pretraining", "committed with the project", "--force", "Teacher ready: synthetic-clip@")
                .doesNotContain("Rendering", "epoch");
    }

    @Test
    void teacherPretrainExportWritesTheTeacherAndHowItWasMade(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path export = dir.resolve("export");
        Run run = run(
                "teacher",
                "pretrain",
                "--seed",
                "3",
                "--scenes",
                "64",
                "--epochs",
                "1",
                "--width",
                "1",
                "--cache",
                dir.resolve("cache").toString(),
                "--export",
                export.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Rendering 64 scenes", "teacher: epoch 1/1", "Exported to");
        java.util.Properties provenance = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(export.resolve("pretrained.properties"))) {
            provenance.load(in);
        }
        dev.edgevl.eval.offline.OfflineConfig narrow =
                dev.edgevl.eval.offline.OfflineConfig.defaults(3).withTeacher(64, 1);
        String key = dev.edgevl.eval.offline.TeacherPretraining.key(narrow.withTeacherWidth(1));
        assertThat(key)
                .as("another width is another teacher")
                .isNotEqualTo(dev.edgevl.eval.offline.TeacherPretraining.key(narrow));
        assertThat(provenance.getProperty("command"))
                .isEqualTo("./edgevl teacher pretrain --seed 3 --scenes 64 --epochs 1 --width 1");
        assertThat(provenance.getProperty("key")).isEqualTo(key);
        assertThat(provenance.getProperty("id")).isEqualTo("synthetic-clip@" + key);
        assertThat(provenance.stringPropertyNames())
                .contains(
                        "seed",
                        "scenes",
                        "epochs",
                        "date",
                        "version",
                        "seconds",
                        "processors",
                        "sha256.image.params",
                        "sha256.text.params",
                        "sha256.teacher.properties",
                        "sha256.vocabulary.txt");
        assertThat(export.resolve("image.params")).exists();
    }

    @Test
    void anUnknownScenarioIsExplained() {
        Run run = run("simulate", "--scenario", "atlantis", "-b", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no shipped scenario called 'atlantis'").contains("default, drift, mixed-fleet");
    }

    @Test
    void watchRefusesTopicsOutsideTheCatalogue() {
        Run run = run("watch", "nope", "-b", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'nope' is not a topic of the catalogue");
    }

    @Test
    void aMissingBootstrapIsExplainedNotStackTraced() {
        Run run = run("topics", "create");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("kafka.bootstrap.servers is required")
                .contains("--bootstrap")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadSettingIsExplained() {
        Run run = run("local", "--set", "serde.format=xml", "--port", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("serde.format = 'xml'").contains("single-object, confluent");
    }

    @Test
    void localsDefaultLabelsAreTemplatesTheTeacherFillsSoTheyEmbedAsEveryOtherReaderEmbedsThem() {
        var events = LabelsCommand.defaultLabelEvents(java.time.Instant.EPOCH, "test");
        assertThat(events).hasSize(10);
        // Filled prompts ("a photo of a cube") sent as templates would be filled again ("a photo of a cube cube").
        assertThat(events).allSatisfy(e -> assertThat(e.getPromptTemplates())
                .isEqualTo(dev.edgevl.model.zeroshot.Prompts.DEFAULT_TEMPLATES)
                .allSatisfy(t -> assertThat(t).contains("{}")));
    }
}
