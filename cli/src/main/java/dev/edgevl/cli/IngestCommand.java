package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.sync.FrameSyncApp;
import java.io.PrintWriter;
import java.time.Duration;
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
            "with its nearest non-RGB frames from frames.aux (within sync.tolerance, default 20 ms) into frames.paired.",
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
                        "Frame sync is running (tolerance %d ms). %s%n",
                        app.config().tolerance().toMillis(), runLength.howItEnds());
                out.flush();
                Progress.Rate rate = new Progress.Rate();
                try (Progress progress = new Progress(
                        out,
                        Duration.ofSeconds(10),
                        () -> String.format(
                                "pairs %,d (%.1f/s)  aux-only %,d  unmatched RGB %,d  dead letters %,d",
                                app.stats().forwarded(),
                                rate.perSecond(app.stats().forwarded()),
                                app.stats().auxOnly(),
                                app.stats().unmatchedRgb(),
                                app.stats().deadLetters()))) {
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
}
