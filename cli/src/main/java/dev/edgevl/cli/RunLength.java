package dev.edgevl.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a long-running command stays up: until Ctrl-C, or for --duration. */
final class RunLength {
    @Option(
            names = "--duration",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Stop by itself after this long (e.g. 90s, 10m). Default: run until Ctrl-C.")
    Duration duration;

    /** Tells the user how this run will end. */
    String howItEnds() {
        return duration == null
                ? "Press Ctrl-C to stop."
                : "Stopping by itself in " + TopicOutput.human(duration) + ".";
    }
}
