package dev.edgevl.model.zeroshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What one reader of {@code labels.embedded} tells about the labels it cannot use: one line each time the labels left
 * out of a selection change (not at every rebuild), and their number as a metric.
 */
public final class LeftOutLabels {
    private final Logger log;
    private final String reader;
    private final Map<String, List<LiveLabels.LeftOut>> reported = new HashMap<>();
    private volatile int count;

    /** @param reader who is reading, as the log line should name it (e.g. "The stream job") */
    public LeftOutLabels(Logger log, String reader) {
        this.log = log;
        this.reader = reader;
    }

    /**
     * Notes {@code selection} and returns its labels. What was reported is remembered per teacher and embedding size, so
     * devices running versions of different sizes do not log in turn.
     */
    public synchronized LabelSet note(LiveLabels.Selection selection) {
        count = selection.leftOut().size();
        List<LiveLabels.LeftOut> before =
                reported.put(selection.teacherId() + "/" + selection.labels().dim(), selection.leftOut());
        if (!selection.leftOut().equals(before == null ? List.of() : before)) {
            if (selection.leftOut().isEmpty()) {
                log.info(
                        "{} can use every live label again ({}).",
                        reader,
                        selection.labels().size());
            } else {
                log.warn("{}: {}", reader, selection.describe());
            }
        }
        return selection.labels();
    }

    /** How many live labels the latest selection left out. */
    public int count() {
        return count;
    }
}
