package dev.edgevl.bench.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path of the cluster's processes: Flink and its dependencies as the jars Maven Central ships, taken from the
 * running JVM's class path less the project's own code and the Flink connectors, so a job can only come from the jar
 * submitted to the cluster (as on a real Flink installation).
 *
 * <ul>
 *   <li>{@code java.class.path} is read entry by entry, and a jar's manifest {@code Class-Path} is followed (the
 *       {@code edgevl} command runs as {@code java -jar edgevl.jar} with its libraries in {@code lib/}; Maven's test
 *       runners may pass a manifest-only jar);</li>
 *   <li>dropped: directories (a module's {@code target/classes}, {@code target/test-classes}), {@code edgevl*} jars (the
 *       project's modules), {@code flink-connector-kafka} (the job jar brings its Kafka connector, and Flink loads
 *       {@code org.apache.flink.*} parent-first, so a copy on the cluster would win over the job's and use the
 *       cluster's Kafka clients beside the job's) and the test runners' booter jars;</li>
 *   <li>kept: the connectors Flink's distribution carries itself ({@code flink-connector-base},
 *       {@code flink-connector-datagen}, which {@code flink-streaming-java} needs);</li>
 *   <li>and everything else. Libraries both on the cluster and in the job jar (Kafka clients, Avro, Jackson) are
 *       harmless: Flink loads user code child-first, so the job's copies win, except for ONNX Runtime, which the
 *       cluster's configuration loads parent-first on purpose ({@link StandaloneFlinkCluster#ORT_PARENT_FIRST}).</li>
 * </ul>
 *
 * The jars of a few classes the cluster cannot do without are checked (and added when the class path lacks them):
 * Flink's runtime, its web runtime (the {@code /jars} REST handlers) and ONNX Runtime.
 */
final class ClusterClassPath {
    /** Classes whose jars the cluster needs, with why. */
    private static final List<String[]> REQUIRED = List.of(
            new String[] {
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "Flink's runtime (flink-runtime)"
            },
            new String[] {
                "org.apache.flink.runtime.webmonitor.WebSubmissionExtension",
                "Flink's web runtime (flink-runtime-web), which serves POST /jars/upload and /jars/{id}/run"
            },
            new String[] {
                "ai.onnxruntime.OrtEnvironment",
                "ONNX Runtime (com.microsoft.onnxruntime:onnxruntime), loaded parent-first so one native library serves"
                        + " every job"
            });
    /** Wanted for the processes' log files; without them the processes run but log nothing. */
    private static final List<String> LOGGING =
            List.of("org.apache.logging.log4j.core.LoggerContext", "org.apache.logging.slf4j.SLF4JServiceProvider");

    private ClusterClassPath() {}

    /** The running JVM's class path, filtered as described above. */
    static List<Path> ofThisJvm() {
        return of(System.getProperty("java.class.path", ""));
    }

    /** {@code classPath} (entries separated by the platform's separator), filtered as described above. */
    static List<Path> of(String classPath) {
        Set<Path> all = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                expand(Path.of(entry).toAbsolutePath().normalize(), all);
            }
        }
        List<Path> kept = new ArrayList<>();
        for (Path p : all) {
            if (keep(p)) {
                kept.add(p);
            }
        }
        for (String[] required : REQUIRED) {
            Path jar = jarOf(required[0]);
            if (jar == null) {
                throw new IllegalStateException("The Flink cluster needs " + required[1] + " on its class path, but "
                        + required[0] + " is not on this JVM's class path (" + System.getProperty("java.class.path")
                        + ").");
            }
            if (!kept.contains(jar)) {
                kept.add(jar);
            }
        }
        for (String logging : LOGGING) {
            Path jar = jarOf(logging);
            if (jar != null && !kept.contains(jar)) {
                kept.add(jar);
            }
        }
        return List.copyOf(kept);
    }

    static boolean keep(Path entry) {
        if (Files.isDirectory(entry) || !Files.isRegularFile(entry)) {
            return false;
        }
        String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jar")
                && !name.startsWith("edgevl")
                && !name.startsWith("flink-connector-kafka")
                && !name.startsWith("surefire")
                && !name.startsWith("failsafe");
    }

    private static void expand(Path entry, Set<Path> out) {
        if (!out.add(entry) || !Files.isRegularFile(entry)) {
            return;
        }
        String classPath;
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
            return; // not a jar we can read: the filter decides about it
        }
        if (classPath == null || classPath.isBlank()) {
            return;
        }
        URI base = entry.getParent().toUri();
        for (String ref : classPath.trim().split("\\s+")) {
            try {
                URI uri = base.resolve(ref); // manifest entries are relative URLs
                if ("file".equals(uri.getScheme())) {
                    expand(Path.of(uri).toAbsolutePath().normalize(), out);
                }
            } catch (IllegalArgumentException e) {
                // an entry that is no file URL: Java would ignore it as well
            }
        }
    }

    /** The jar (or directory) {@code className} was loaded from; null when it cannot be loaded. */
    static Path jarOf(String className) {
        try {
            Class<?> c = Class.forName(className, false, ClusterClassPath.class.getClassLoader());
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (ClassNotFoundException | LinkageError | URISyntaxException e) {
            return null;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return null;
        }
    }
}
