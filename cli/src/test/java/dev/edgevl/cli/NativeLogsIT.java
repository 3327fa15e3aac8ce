package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgevl local} as a user starts it, in its own JVM from the built jar: a newcomer's screen shows the view and
 * our log lines, never libtorch's own console output (which it prints for every small batch the teacher embeds).
 */
class NativeLogsIT {
    /** libtorch's console lines look like {@code [W1204 01:28:36.713626736 NNPACK.cpp:57] Could not initialize NNPACK!}. */
    private static final Pattern NATIVE_LINE = Pattern.compile("(?m)^\\[[IWEF]\\d{4} |NNPACK|Failed to detect GPU");

    @Test
    void localShowsNoNativeLibraryOutputAndItCanBeKeptInAFile(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("edgevl.jar", "target/edgevl.jar"));
        assertThat(jar)
                .as("the command line is packaged before the integration tests run")
                .exists();
        Path nativeLog = dir.resolve("native.log");
        Path output = dir.resolve("output.txt");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "local",
                        "--duration",
                        "30s",
                        "--devices",
                        "1",
                        "--port",
                        "0",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--report",
                        dir.resolve("report.json").toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put(NativeLogs.ENV, nativeLog.toString());
        Process process = pb.start();
        boolean exited = process.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(exited)
                .as("edgevl local stops by itself; its output:%n%s", out)
                .isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out)
                .contains("edgevl local: scenario drift")
                .contains("Stopped cleanly.")
                .contains("embedded");
        List<String> nativeLines =
                out.lines().filter(l -> NATIVE_LINE.matcher(l).find()).toList();
        assertThat(nativeLines).as("native libraries' lines on the output").isEmpty();

        String kept = Files.exists(nativeLog) ? Files.readString(nativeLog, StandardCharsets.UTF_8) : "";
        // Where libtorch does warn (the CPUs here), the lines were there and went to the file the variable named.
        assumeThat(kept)
                .as("this machine's libtorch says nothing about NNPACK, so there was nothing to silence")
                .contains("NNPACK");
    }
}
