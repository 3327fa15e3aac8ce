package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.sync.FrameSyncApp;
import dev.edgevl.sync.SyncStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The frame-sync service on its own, against any Kafka. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Run frame sync (Kafka Streams, exactly-once) until Ctrl-C: pairs each device's RGB frames from frames.rgb",
            "with its nearest non-RGB frames from frames.aux into frames.paired, within sync.tolerance (by default half the",
            "slower sensor's frame period, so sensors at different rates pair; at most sync.tolerance.max, 100 ms).",
            "Malformed frames go to frames.rgb.dlq / frames.aux.dlq with the reason. Several instances share the work."
        })
final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    RunLength runLength = new RunLength();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cluster.settings();
        StopSignal signal = new StopSignal();
        try {
            try (FrameSyncApp app = FrameSyncApp.start(settings, cluster.bootstrap)) {
                app.awaitRunning(Duration.ofSeconds(60));
                out.printf(
                        "Frame sync is running (tolerance: %s). %s%n",
                        app.config().toleranceDescription(), runLength.howItEnds());
                out.flush();
                Progress.Rate rate = new Progress.Rate();
                try (Progress progress =
                        new Progress(out, Duration.ofSeconds(10), () -> progressLine(app.stats(), rate))) {
                    signal.await(runLength.duration);
                }
                out.println("Stopping frame sync...");
                out.flush();
            }
            out.println("Frame sync stopped cleanly.");
            out.flush();
            return 0;
        } finally {
            signal.cleanedUp();
        }
    }

    /** Pairs written and their rate, then per non-RGB modality the share that went without RGB, then trouble. */
    static String progressLine(SyncStats stats, Progress.Rate rate) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "pairs %,d (%.1f/s)  aux-only %,d",
                stats.forwarded(),
                rate.perSecond(stats.forwarded()),
                stats.auxOnly()));
        stats.aux().forEach((modality, counts) -> {
            if (counts.decided() > 0) {
                line.append(
                        String.format(Locale.ROOT, " (%s %.1f%% unpaired)", modality, 100 * counts.unpairedShare()));
            }
        });
        line.append(String.format(
                Locale.ROOT, "  unmatched RGB %,d  dead letters %,d", stats.unmatchedRgb(), stats.deadLetters()));
        return line.toString();
    }
}
