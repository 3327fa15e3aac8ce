package dev.edgevl.eval.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Everything a live run measured, for the report written on exit: a JSON file, a PNG chart of
 * accuracy over time, and a one-paragraph summary that says plainly which targets were met.
 *
 * @param start     the time axis' origin (the first annotation's capture time); JSON times are
 *                  seconds from here as well as ISO instants
 * @param devices   devices that sent annotations
 * @param matching  how annotations met their truth: matched, and evicted while waiting
 */
public record LiveReport(
        String scenario,
        Instant start,
        Duration duration,
        int devices,
        Duration window,
        List<TimePoint> points,
        List<LiveEvent> events,
        LiveSummary summary,
        LiveSummary.Targets targets,
        Matching matching,
        TeacherBaseline.Stats teacherBaseline) {

    /** @param undecodable records that could not be read (they are skipped) */
    public record Matching(long matched, long evictedAnnotations, long evictedTruths, long undecodable) {}

    public LiveReport {
        points = List.copyOf(points);
        events = List.copyOf(events);
    }

    /** Writes {@code live-report.json} and {@code live-report.png} into {@code dir}; returns the JSON file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve("live-report.json");
        writeJson(json);
        LiveChart.write(this, dir.resolve("live-report.png"));
        return json;
    }

    /** Writes the JSON to {@code jsonFile} and the chart beside it (same name, {@code .png}); returns the chart's path. */
    public Path writeWithChart(Path jsonFile) throws IOException {
        Path parent = jsonFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        writeJson(jsonFile);
        String name = jsonFile.getFileName().toString();
        Path png = parent.resolve((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".png");
        LiveChart.write(this, png);
        return png;
    }

    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }

    ObjectNode toJson() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("scenario", scenario);
        root.put("start", start == null ? null : start.toString());
        root.put("durationSeconds", duration.toMillis() / 1000.0);
        root.put("devices", devices);
        root.put("windowSeconds", window.toMillis() / 1000.0);
        ArrayNode series = root.putArray("points");
        for (TimePoint p : points) {
            ObjectNode n = series.addObject();
            n.put("time", seconds(p.time()));
            n.put("at", p.time().toString());
            n.put("frames", p.frames());
            n.put("nonRgbTop1", p.nonRgbTop1());
            n.put("rgbTop1", p.rgbTop1());
            n.put("teacherNonRgbTop1", p.teacherNonRgbTop1());
            n.put("routingRate", p.routingRate());
            n.put("framesPerSecond", p.framesPerSecond());
            n.put("p50Ms", p.p50Ms());
            n.put("p99Ms", p.p99Ms());
            n.put("modelVersion", p.modelVersion());
        }
        ArrayNode marks = root.putArray("events");
        for (LiveEvent e : events) {
            ObjectNode n = marks.addObject();
            n.put("time", seconds(e.time()));
            n.put("at", e.time().toString());
            n.put("kind", e.kind().name());
            n.put("text", e.text());
        }
        LiveSummary s = summary;
        ObjectNode sum = root.putObject("summary");
        sum.put(
                "firstAnnotationTime",
                s.firstAnnotationTime() == null ? null : s.firstAnnotationTime().toString());
        sum.put("firstPromotionTime", seconds(s.firstPromotionTime()));
        sum.put("firstPromotedVersion", s.firstPromotedVersion());
        sum.put("nonRgbBeforePromotion", s.nonRgbBeforePromotion());
        sum.put("nonRgbAfterPromotion", s.nonRgbAfterPromotion());
        sum.put("teacherNonRgbAfterPromotion", s.teacherNonRgbAfterPromotion());
        sum.put("beatsTeacher", s.beatsTeacher());
        sum.put("driftTime", seconds(s.driftTime()));
        sum.put("drift", s.drift());
        sum.put("preDriftNonRgb", s.preDriftNonRgb());
        sum.put("lowestNonRgbAfterDrift", s.lowestNonRgbAfterDrift());
        sum.put("recoverySeconds", s.recoverySeconds());
        sum.put("recoveredInTime", s.recoveredInTime());
        sum.put("finalNonRgb", s.finalNonRgb());
        sum.put("finalRgb", s.finalRgb());
        sum.put("annotations", s.annotations());
        sum.put("routedToTeacher", s.routed());
        sum.put("routingShare", s.routingShare());
        sum.put("routingWithinBudget", s.routingWithinBudget());
        sum.put("text", summaryText());
        ObjectNode t = root.putObject("targets");
        t.put("recoveryTolerance", targets.recoveryTolerance());
        t.put("recoveryLimitSeconds", targets.recoveryLimit().toSeconds());
        t.put("routingBudget", targets.routingBudget());
        ObjectNode m = root.putObject("matching");
        m.put("matched", matching.matched());
        m.put("evictedAnnotations", matching.evictedAnnotations());
        m.put("evictedTruths", matching.evictedTruths());
        m.put("undecodable", matching.undecodable());
        if (teacherBaseline != null) {
            ObjectNode b = root.putObject("teacherBaseline");
            b.put("sampled", teacherBaseline.sampled());
            b.put("scored", teacherBaseline.scored());
            b.put("dropped", teacherBaseline.dropped());
            b.put("unreadable", teacherBaseline.unreadable());
        }
        return root;
    }

    /** Seconds from {@link #start}, for the chart and the JSON; null for a missing time. */
    Double seconds(Instant t) {
        return t == null || start == null ? null : Duration.between(start, t).toMillis() / 1000.0;
    }

    /** One paragraph: what the run did and, for each target, met, not met or not judged, with the figures. */
    public String summaryText() {
        LiveSummary s = summary;
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Scenario %s: %d annotations from %d devices over %s of stream time.",
                scenario,
                s.annotations(),
                devices,
                minutes(duration)));
        if (s.firstPromotionTime() == null) {
            b.append(
                    " No model version was promoted during the run, so the student could not be compared with the teacher.");
        } else {
            b.append(String.format(
                    Locale.ROOT,
                    " The first promoted version%s arrived at %s; student non-RGB top-1 was %s before it and %s after,",
                    s.firstPromotedVersion() == null ? "" : " (v" + s.firstPromotedVersion() + ")",
                    at(s.firstPromotionTime()),
                    pct(s.nonRgbBeforePromotion()),
                    pct(s.nonRgbAfterPromotion())));
            b.append(String.format(
                    Locale.ROOT,
                    " against %s for the teacher alone on non-RGB: %s.",
                    pct(s.teacherNonRgbAfterPromotion()),
                    verdict(s.beatsTeacher())));
        }
        if (s.driftTime() == null) {
            b.append(" There was no drift event.");
        } else {
            b.append(String.format(
                    Locale.ROOT,
                    " After the drift (%s) at %s non-RGB top-1 went from %s to a low of %s",
                    s.drift(),
                    at(s.driftTime()),
                    pct(s.preDriftNonRgb()),
                    pct(s.lowestNonRgbAfterDrift())));
            b.append(
                    s.recoverySeconds() == null
                            ? " and did not come back within %.0f points".formatted(100 * targets.recoveryTolerance())
                            : String.format(
                                    Locale.ROOT,
                                    " and was back within %.0f points after %.0f s",
                                    100 * targets.recoveryTolerance(),
                                    s.recoverySeconds()));
            b.append(String.format(
                    Locale.ROOT,
                    " (target: within %d s): %s.",
                    targets.recoveryLimit().toSeconds(),
                    verdict(s.recoveredInTime())));
        }
        b.append(String.format(
                Locale.ROOT,
                " The teacher saw %s of frames (target at most %s): %s.",
                pct2(s.routingShare()),
                pct(targets.routingBudget()),
                verdict(s.routingWithinBudget())));
        if (s.finalNonRgb() != null || s.finalRgb() != null) {
            b.append(String.format(
                    Locale.ROOT, " At the end: non-RGB %s, RGB %s.", pct(s.finalNonRgb()), pct(s.finalRgb())));
        }
        return b.toString();
    }

    private String at(Instant t) {
        Double sec = seconds(t);
        return sec == null ? "?" : String.format(Locale.ROOT, "+%.0f s", sec);
    }

    private static String verdict(Boolean met) {
        return met == null ? "not judged (no figure to judge it on)" : met ? "met" : "NOT met";
    }

    static String pct(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String minutes(Duration d) {
        return String.format(Locale.ROOT, "%.1f min", d.toMillis() / 60_000.0);
    }

    /** Two decimals, where one would round a share just over its budget to the budget itself. */
    private static String pct2(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
