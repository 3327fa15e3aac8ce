package dev.edgevl.eval.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgevl.avro.Modality;
import dev.edgevl.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a live run measured, for the report written on exit: a JSON file, a PNG chart of
 * accuracy over time, and a one-paragraph summary that says plainly which targets were met.
 *
 * @param start     the time axis' origin (the first annotation's capture time); JSON times are
 *                  seconds from here as well as ISO instants
 * @param devices   devices that sent annotations
 * @param matching  how annotations met their truth: matched, and evicted while waiting
 * @param segments  the run cut at drift events, with the three figures per modality in each
 * @param modalities per modality, whether adaptation helped against the frozen v0
 * @param routing   per non-RGB modality, the share of annotated pairs sent to the teacher
 * @param pairing   per non-RGB modality, the share of paired records that came without an RGB frame
 * @param firstLabelledAnnotation from the start to the capture time of the first frame the fleet labelled
 * @param judges    how much of its sample each second opinion (frozen, teacher) scored
 * @param beforeStart records left out because they were captured before this run started (an earlier run's)
 * @param rolledBack the canaries rolled back during the run, and how much of the fleet ran each
 * @param visibleLatency capture → arrival at a {@code read_uncommitted} consumer of {@code frames.annotated}, the
 *                  low-latency path (and capture → annotated in the job's operator); null when not measured
 * @param pairLatency capture → arrival at a {@code read_committed} consumer of {@code frames.paired}, as the job reads
 *                  it (and capture → frame sync's decision); null when not measured
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
        List<Segment> segments,
        List<ModalityJudgement> modalities,
        Map<Modality, Share> routing,
        Map<Modality, Share> pairing,
        Duration firstLabelledAnnotation,
        Map<Scoreboard.Judge, PairJudge.Stats> judges,
        long beforeStart,
        List<Exposure.RolledBack> rolledBack,
        VisibleLatency.Figures visibleLatency,
        VisibleLatency.Figures pairLatency) {

    /** This report with capture → visible figures at consumers of the low-latency output and of the pairs. */
    public LiveReport withVisibleLatency(VisibleLatency.Figures annotations, VisibleLatency.Figures pairs) {
        return new LiveReport(
                scenario,
                start,
                duration,
                devices,
                window,
                points,
                events,
                summary,
                targets,
                matching,
                segments,
                modalities,
                routing,
                pairing,
                firstLabelledAnnotation,
                judges,
                beforeStart,
                rolledBack,
                annotations,
                pairs);
    }

    /** @param undecodable records that could not be read (they are skipped) */
    public record Matching(long matched, long evictedAnnotations, long evictedTruths, long undecodable) {}

    /** {@code part} of {@code whole}. */
    public record Share(long part, long whole) {
        public Double share() {
            return whole == 0 ? null : (double) part / whole;
        }
    }

    public LiveReport {
        points = List.copyOf(points);
        events = List.copyOf(events);
        segments = List.copyOf(segments);
        modalities = List.copyOf(modalities);
        routing = Map.copyOf(routing);
        pairing = Map.copyOf(pairing);
        judges = Map.copyOf(judges);
        rolledBack = List.copyOf(rolledBack);
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
        writeJson(jsonFile);
        String name = jsonFile.getFileName().toString();
        Path png = jsonFile.toAbsolutePath()
                .getParent()
                .resolve((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".png");
        writeChart(png);
        return png;
    }

    /** Writes the chart (PNG) alone. */
    public void writeChart(Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        LiveChart.write(this, png);
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
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
            ObjectNode byModality = n.putObject("modalities");
            p.modalities().forEach((modality, j) -> {
                ObjectNode x = byModality.putObject(modality.name());
                x.put("adaptive", j.adaptive());
                x.put("frozen", j.frozen());
                x.put("teacher", j.teacher());
            });
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
        if (visibleLatency != null) {
            ObjectNode v = root.putObject("visibleLatency");
            v.put("topic", Topics.FRAMES_ANNOTATED.name());
            v.put("isolationLevel", "read_uncommitted");
            v.put("annotations", visibleLatency.count());
            v.put("p50Ms", visibleLatency.p50Ms());
            v.put("p99Ms", visibleLatency.p99Ms());
            // After the first minute: start-up (class loading, JIT, the first model, frame periods) left out.
            v.put("steadyP50Ms", visibleLatency.steadyP50Ms());
            v.put("steadyP99Ms", visibleLatency.steadyP99Ms());
            // The hops, cumulative from capture: frame sync decided, the job could read the pair, the operator
            // annotated it, a consumer of the low-latency output saw it.
            ObjectNode hops = v.putObject("hops");
            if (pairLatency != null) {
                hop(hops, "paired", pairLatency.madeP50Ms(), pairLatency.madeP99Ms());
                hop(hops, "pairReadable", pairLatency.p50Ms(), pairLatency.p99Ms());
            }
            hop(hops, "annotated", visibleLatency.madeP50Ms(), visibleLatency.madeP99Ms());
            hop(hops, "visible", visibleLatency.p50Ms(), visibleLatency.p99Ms());
        }
        ObjectNode t = root.putObject("targets");
        t.put("recoveryTolerance", targets.recoveryTolerance());
        t.put("recoveryLimitSeconds", targets.recoveryLimit().toSeconds());
        t.put("routingBudget", targets.routingBudget());
        t.put("frozenMargin", targets.frozenMargin());
        t.put("minJudged", targets.minJudged());
        ObjectNode m = root.putObject("matching");
        m.put("matched", matching.matched());
        m.put("evictedAnnotations", matching.evictedAnnotations());
        m.put("evictedTruths", matching.evictedTruths());
        m.put("undecodable", matching.undecodable());
        ArrayNode segs = root.putArray("segments");
        for (Segment seg : segments) {
            ObjectNode n = segs.addObject();
            n.put("name", seg.name());
            n.put("startSeconds", seconds(seg.start()));
            n.put("endSeconds", Math.min(seconds(seg.end()), duration.toMillis() / 1000.0));
            ArrayNode versions = n.putArray("versions");
            seg.versions().forEach(versions::add);
            ObjectNode byModality = n.putObject("modalities");
            seg.modalities().forEach((modality, f) -> {
                ObjectNode x = byModality.putObject(modality.name());
                x.put("adaptive", f.adaptive());
                x.put("frozen", f.frozen());
                x.put("teacher", f.teacher());
                x.put("judged", f.judged());
                x.put("frozenJudged", f.frozenJudged());
                x.put("gainStandardError", f.gainStandardError());
                x.put("teacherJudged", f.teacherJudged());
            });
        }
        ObjectNode verdicts = root.putObject("modalities");
        for (ModalityJudgement j : modalities) {
            ObjectNode n = verdicts.putObject(j.modality().name());
            n.put("neverWorseThanFrozen", j.neverWorseThanFrozen());
            n.put("segmentsJudged", j.segmentsJudged());
            n.put("worstSegment", j.worstSegment());
            n.put("worstGapToFrozen", j.worstGap());
            n.put("worstGapStandardError", j.worstGapStandardError());
            n.put("finalAdaptive", j.finalAdaptive());
            n.put("finalFrozen", j.finalFrozen());
            n.put("finalTeacher", j.finalTeacher());
            n.put("gainOverFrozen", j.gainOverFrozen());
            ArrayNode recoveries = n.putArray("recoveries");
            for (ModalityJudgement.Recovery r : j.recoveries()) {
                ObjectNode x = recoveries.addObject();
                x.put("drift", r.drift());
                x.put("time", seconds(r.at()));
                x.put("adaptiveBefore", r.adaptiveBefore());
                x.put("frozenBefore", r.frozenBefore());
                x.put("adaptiveAfter", r.adaptiveAfter());
                x.put("frozenAfter", r.frozenAfter());
                x.put("adaptiveRecoverySeconds", r.adaptiveSeconds());
                x.put("frozenRecoverySeconds", r.frozenSeconds());
            }
        }
        ObjectNode route = root.putObject("routing");
        route.put("share", summary.routingShare());
        ObjectNode routeBy = route.putObject("byModality");
        routing.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> routeBy.put(e.getKey().name(), e.getValue().share()));
        ObjectNode pairs = root.putObject("pairing");
        pairing.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode x = pairs.putObject(e.getKey().name());
            x.put("pairs", e.getValue().whole());
            x.put("withoutRgb", e.getValue().part());
            x.put("unpairedShare", e.getValue().share());
        });
        root.put(
                "firstLabelledAnnotationSeconds",
                firstLabelledAnnotation == null ? null : firstLabelledAnnotation.toMillis() / 1000.0);
        root.put("leftOutBeforeStart", beforeStart);
        ArrayNode canaries = root.putArray("rolledBackCanaries");
        for (Exposure.RolledBack r : rolledBack) {
            ObjectNode x = canaries.addObject();
            x.put("version", r.version());
            x.put("frames", r.frames());
            x.put("framesMeanwhile", r.framesMeanwhile());
            x.put("frameShare", r.frameShare());
            x.put("devices", r.devices());
            x.put("allDevices", r.allDevices());
        }
        ObjectNode judgeStats = root.putObject("judges");
        judges.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode b = judgeStats.putObject(e.getKey().name());
            b.put("sampled", e.getValue().sampled());
            b.put("scored", e.getValue().scored());
            b.put("dropped", e.getValue().dropped());
            b.put("unreadable", e.getValue().unreadable());
            b.put("withoutLabels", e.getValue().withoutLabels());
        });
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
        if (firstLabelledAnnotation != null) {
            b.append(String.format(
                    Locale.ROOT,
                    " The first labelled annotation came at +%.1f s.",
                    firstLabelledAnnotation.toMillis() / 1000.0));
        }
        for (ModalityJudgement j : modalities) {
            b.append(' ').append(judgementText(j));
        }
        for (Exposure.RolledBack r : rolledBack) {
            b.append(String.format(
                    Locale.ROOT,
                    " The canary v%d was rolled back; %d of %d devices ran it, %s of the frames annotated while it ran.",
                    r.version(),
                    r.devices(),
                    r.allDevices(),
                    pct(r.frameShare())));
        }
        if (visibleLatency != null) {
            b.append(String.format(
                    Locale.ROOT,
                    " Capture->visible at a read_uncommitted consumer of %s (the low-latency path): p50 %.0f ms, p99 %.0f ms over %,d"
                            + " annotations; after the first minute p50 %.0f ms, p99 %.0f ms.",
                    Topics.FRAMES_ANNOTATED.name(),
                    visibleLatency.p50Ms(),
                    visibleLatency.p99Ms(),
                    visibleLatency.count(),
                    visibleLatency.steadyP50Ms(),
                    visibleLatency.steadyP99Ms()));
            b.append(String.format(
                    Locale.ROOT,
                    " From capture, p50/p99: %sannotated in the job %.0f/%.0f ms.",
                    pairLatency == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "paired by frame sync %.0f/%.0f ms, readable by the job %.0f/%.0f ms, ",
                                    pairLatency.madeP50Ms(),
                                    pairLatency.madeP99Ms(),
                                    pairLatency.p50Ms(),
                                    pairLatency.p99Ms()),
                    visibleLatency.madeP50Ms(),
                    visibleLatency.madeP99Ms()));
        }
        return b.toString();
    }

    private static void hop(ObjectNode hops, String name, double p50Ms, double p99Ms) {
        ObjectNode h = hops.putObject(name);
        h.put("p50Ms", p50Ms);
        h.put("p99Ms", p99Ms);
    }

    /** Per modality, against the frozen v0: never worse, the gain at the end, and each drift's recovery. */
    String judgementText(ModalityJudgement j) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s: adaptive %s vs frozen v0 %s vs teacher %s over the last %d s (gain over frozen %s); never more than %.0f"
                        + " point below frozen in a segment after the first promotion: %s",
                j.modality(),
                pct(j.finalAdaptive()),
                pct(j.finalFrozen()),
                pct(j.finalTeacher()),
                window.toSeconds(),
                points(j.gainOverFrozen()),
                100 * targets.frozenMargin(),
                verdict(j.neverWorseThanFrozen())));
        if (Boolean.FALSE.equals(j.neverWorseThanFrozen())) {
            b.append(String.format(Locale.ROOT, " (%s: %s", j.worstSegment(), points(j.worstGap())));
            if (j.worstGapStandardError() != null) {
                b.append(String.format(
                        Locale.ROOT, ", standard error %.1f over its seconds", 100 * j.worstGapStandardError()));
            }
            b.append(')');
        }
        b.append('.');
        for (ModalityJudgement.Recovery r : j.recoveries()) {
            if (r.adaptiveAfter() == null && r.frozenAfter() == null) {
                continue;
            }
            b.append(String.format(
                    Locale.ROOT,
                    " After %s: adaptive %s → %s, %s; frozen %s → %s, %s.",
                    r.drift(),
                    pct(r.adaptiveBefore()),
                    pct(r.adaptiveAfter()),
                    recovered(r.adaptiveSeconds()),
                    pct(r.frozenBefore()),
                    pct(r.frozenAfter()),
                    recovered(r.frozenSeconds())));
        }
        return b.toString();
    }

    private static String recovered(Double seconds) {
        return seconds == null
                ? "not back before the next drift"
                : String.format(Locale.ROOT, "back within %.0f s", seconds);
    }

    private static String points(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%+.1f points", 100 * v);
    }

    /**
     * The segments as a text table: per segment its span, the versions live in it and, per modality,
     * adaptive / frozen / teacher top-1 and the frames judged.
     */
    public String segmentTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-22s %11s %-10s", "segment", "stream time", "versions"));
        for (Modality m : Scoreboard.MODALITIES) {
            b.append(String.format(Locale.ROOT, " | %-38s", m + " adapt/frozen/teacher (n) gain±se"));
        }
        b.append('\n');
        for (Segment seg : segments) {
            double from = seconds(seg.start());
            double to = Math.min(seconds(seg.end()), duration.toMillis() / 1000.0);
            String versions = seg.versions().isEmpty()
                    ? "-"
                    : seg.versions().size() <= 3
                            ? String.join(
                                    ",",
                                    seg.versions().stream().map(v -> "v" + v).toList())
                            : "v" + seg.versions().get(0) + "..v"
                                    + seg.versions().get(seg.versions().size() - 1);
            b.append(String.format(Locale.ROOT, "%-22s %5s-%-5s %-10s", seg.name(), clock(from), clock(to), versions));
            for (Modality m : Scoreboard.MODALITIES) {
                Segment.Figures f = seg.modalities().get(m);
                b.append(String.format(
                        Locale.ROOT,
                        " | %5s %5s %5s (%5d) %10s ",
                        num(f.adaptive()),
                        num(f.frozen()),
                        num(f.teacher()),
                        f.judged(),
                        gainWithError(f)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String gainWithError(Segment.Figures f) {
        if (f.gain() == null) {
            return "";
        }
        String gain = String.format(Locale.ROOT, "%+.1f", 100 * f.gain());
        return f.gainStandardError() == null
                ? gain
                : gain + String.format(Locale.ROOT, "±%.1f", 100 * f.gainStandardError());
    }

    private static String num(Double v) {
        return v == null ? "  -  " : String.format(Locale.ROOT, "%5.1f", 100 * v);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
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
