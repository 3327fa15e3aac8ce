package dev.edgevl.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes on the cluster's class path, and where the job jar is looked for; no processes are started. */
class ClusterClassPathTest {
    @TempDir
    Path dir;

    @Test
    void keepsThirdPartyJarsAndDropsTheProjectsCodeAndTheKafkaConnector() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("target/classes"));
        assertThat(ClusterClassPath.keep(classes)).isFalse();
        assertThat(ClusterClassPath.keep(jar("edgevl-model-0.1.0-SNAPSHOT.jar")))
                .isFalse();
        assertThat(ClusterClassPath.keep(jar("edgevl.jar"))).isFalse();
        assertThat(ClusterClassPath.keep(jar("flink-connector-kafka-5.0.0-2.2.jar")))
                .isFalse();
        assertThat(ClusterClassPath.keep(jar("surefirebooter123.jar"))).isFalse();
        assertThat(ClusterClassPath.keep(jar("flink-runtime-2.2.1.jar"))).isTrue();
        assertThat(ClusterClassPath.keep(jar("flink-connector-datagen-2.2.1.jar")))
                .isTrue();
        assertThat(ClusterClassPath.keep(jar("onnxruntime-1.29.0.jar"))).isTrue();
        assertThat(ClusterClassPath.keep(dir.resolve("missing.jar"))).isFalse();
    }

    @Test
    void theClassPathOfThisJvmHasFlinkItsWebRuntimeAndOnnxRuntimeButNoProjectCode() {
        List<Path> jars = ClusterClassPath.ofThisJvm();
        assertThat(jars).allSatisfy(p -> assertThat(p.toString()).endsWith(".jar"));
        assertThat(jars).noneMatch(p -> p.getFileName().toString().startsWith("edgevl"));
        assertThat(jars).anyMatch(p -> p.getFileName().toString().startsWith("flink-runtime-web-"));
        assertThat(jars).anyMatch(p -> p.getFileName().toString().startsWith("onnxruntime-"));
        assertThat(jars).noneMatch(p -> p.getFileName().toString().startsWith("flink-connector-kafka"));
    }

    @Test
    void followsTheManifestClassPathOfARunnableJar() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Path flink = jar("lib/flink-core-2.2.1.jar");
        jar("lib/edgevl-bench-0.1.0-SNAPSHOT.jar");
        Path runnable = dir.resolve("edgevl.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, "lib/flink-core-2.2.1.jar lib/edgevl-bench-0.1.0-SNAPSHOT.jar");
        try (OutputStream out = Files.newOutputStream(runnable);
                JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        List<Path> jars = ClusterClassPath.of(runnable.toString());
        assertThat(jars).contains(flink.toAbsolutePath().normalize());
        assertThat(jars).noneMatch(p -> p.getFileName().toString().startsWith("edgevl"));
        // What the cluster cannot do without comes from where this JVM loaded it.
        assertThat(jars).anyMatch(p -> p.getFileName().toString().startsWith("flink-runtime-web-"));
    }

    @Test
    void aJobJarNamedByThePropertyMustExist() {
        String before = System.getProperty(ClusterBench.JOB_JAR_PROPERTY);
        try {
            System.setProperty(
                    ClusterBench.JOB_JAR_PROPERTY, dir.resolve("nope.jar").toString());
            assertThatThrownBy(ClusterBench::findJobJar)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nope.jar")
                    .hasMessageContaining("package");
        } finally {
            if (before == null) {
                System.clearProperty(ClusterBench.JOB_JAR_PROPERTY);
            } else {
                System.setProperty(ClusterBench.JOB_JAR_PROPERTY, before);
            }
        }
    }

    private Path jar(String name) throws Exception {
        Path jar = dir.resolve(name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }
}
