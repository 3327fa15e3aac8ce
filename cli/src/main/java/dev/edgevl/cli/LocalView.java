package dev.edgevl.cli;

import dev.edgevl.avro.Modality;
import dev.edgevl.device.fleet.FleetStats;
import dev.edgevl.distill.RoundReport;
import dev.edgevl.eval.live.LiveEvaluator;
import dev.edgevl.eval.live.LiveEvent;
import dev.edgevl.eval.live.LiveSnapshot;
import dev.edgevl.eval.live.Scoreboard;
import dev.edgevl.eval.live.TimePoint;
import dev.edgevl.eval.live.VisibleLatency;
import dev.edgevl.eval.live.WindowFigures;
import dev.edgevl.sim.scenario.Scenario;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@code edgevl local} shows while it runs: on a terminal a block of lines redrawn every two seconds, elsewhere a
 * log line every ten. It also tells the evaluator about retraining rounds, so the report's chart marks them.
 */
final class LocalView implements AutoCloseable {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintWriter out;
    private final LocalStack stack;
    private final LiveEvaluator evaluator;
    private final VisibleLatency paired;
    private final VisibleLatency visible;
    private final Scenario world;
    private final List<LiveEvent> drifts;
    private final boolean terminal;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edgevl-local-view");
        t.setDaemon(true);
        return t;
    });
    private final Progress.Rate frames = new Progress.Rate();
    private final Progress.Rate pairs = new Progress.Rate();
    private RoundReport markedRound;
    private int drawnLines;

    LocalView(
            PrintWriter out,
            LocalStack stack,
            LiveEvaluator evaluator,
            VisibleLatency paired,
            VisibleLatency visible,
            Scenario world,
            List<LiveEvent> drifts,
            boolean terminal) {
        this.out = out;
        this.stack = stack;
        this.evaluator = evaluator;
        this.paired = paired;
        this.visible = visible;
        this.world = world;
        this.drifts = drifts;
        this.terminal = terminal;
        long every = terminal ? 2000 : 10_000;
        timer.scheduleAtFixedRate(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void refresh() {
        try {
            markRounds();
            List<String> lines = lines();
            if (terminal) {
                StringBuilder b = new StringBuilder();
                if (drawnLines > 0) {
                    b.append("\u001b[").append(drawnLines).append('F'); // back to the block's first line
                }
                for (String line : lines) {
                    b.append("\u001b[2K").append(line).append('\n');
                }
                out.print(b);
                drawnLines = lines.size();
            } else {
                out.println(String.join("  |  ", lines));
            }
            out.flush();
        } catch (RuntimeException e) {
            out.println("(view: " + e.getMessage() + ")");
        }
    }

    /** A finished round becomes two marks on the report's chart: the retrain and the gate's verdict. */
    private void markRounds() {
        RoundReport last = stack.distiller().distiller().lastRound();
        if (last == null || last == markedRound) {
            return;
        }
        markedRound = last;
        Instant end = Instant.now();
        evaluator.mark(new LiveEvent(
                end.minusMillis((long) (last.seconds() * 1000)), LiveEvent.Kind.RETRAIN, "round v" + last.version()));
        evaluator.mark(new LiveEvent(
                end,
                LiveEvent.Kind.GATE,
                last.failed()
                        ? "v" + last.version() + " failed"
                        : "v" + last.version() + (last.published() ? " promoted" : " kept back")));
    }

    List<String> lines() {
        FleetStats fleet = stack.fleet().stats();
        LiveSnapshot s = evaluator.snapshot();
        WindowFigures w = s.window();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "edgevl local: scenario %s, world %s, %d devices",
                world.name(),
                fleet.worldClock(),
                world.devices().size()));
        lines.add(String.format(
                Locale.ROOT,
                "frames    %6.1f/s in  %6.1f/s paired  %6.1f/s annotated",
                frames.perSecond(fleet.frames()),
                pairs.perSecond(stack.sync().stats().forwarded()),
                w.framesPerSecond()));
        VisibleLatency.Figures p = paired.window();
        VisibleLatency.Figures v = visible.window();
        lines.add(String.format(
                Locale.ROOT,
                "latency   from capture, p50/p99: paired %s, readable by the job %s, annotated %s, visible %s"
                        + " (frames.annotated, read_uncommitted)",
                hop(p.madeP50Ms(), p.madeP99Ms()),
                hop(p.p50Ms(), p.p99Ms()),
                hop(v.madeP50Ms(), v.madeP99Ms()),
                hop(v.p50Ms(), v.p99Ms())));
        lines.add(String.format(
                Locale.ROOT,
                "teacher   %s of frames routed (window), %s overall; %,d embedded",
                percent(w.routingRate()),
                percent(s.routingShare()),
                stack.teacher().stats().embedded()));
        StringBuilder accuracy = new StringBuilder("accuracy ");
        for (Modality m : Scoreboard.MODALITIES) {
            TimePoint.Judged j = s.modalities().get(m);
            accuracy.append(String.format(
                    Locale.ROOT,
                    " %s %s/%s/%s ",
                    m.name().toLowerCase(Locale.ROOT),
                    percent(j == null ? null : j.adaptive()),
                    percent(j == null ? null : j.frozen()),
                    percent(j == null ? null : j.teacher())));
        }
        lines.add(accuracy
                + String.format(Locale.ROOT, " adaptive/frozen v0/teacher, last %d s, %,d judged", 60, w.frames()));
        lines.add(String.format(
                Locale.ROOT,
                "models    job %s  devices %s",
                w.modelVersion() == null ? "none yet" : "v" + w.modelVersion(),
                stack.fleet().agents().map(a -> a.summary()).orElse("-")));
        lines.add("drift     " + lastDrift());
        lines.add(
                "distiller " + DistillCommand.line(stack.distiller().distiller().status()));
        return lines;
    }

    private String lastDrift() {
        Instant now = Instant.now();
        LiveEvent last = null;
        LiveEvent next = null;
        for (LiveEvent d : drifts) {
            if (!d.time().isAfter(now)) {
                last = d;
            } else if (next == null) {
                next = d;
            }
        }
        String text = last == null ? "none yet" : last.text() + " at " + CLOCK.format(last.time());
        return next == null
                ? text
                : text + "; next: " + next.text() + " in "
                        + Duration.between(now, next.time()).toSeconds() + " s";
    }

    private static String percent(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String hop(double p50, double p99) {
        return Double.isNaN(p50) ? "-" : String.format(Locale.ROOT, "%.0f/%.0f ms", p50, p99);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            markRounds();
        }
    }
}
