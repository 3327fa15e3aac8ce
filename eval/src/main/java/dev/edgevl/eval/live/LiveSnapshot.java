package dev.edgevl.eval.live;

/**
 * The figures as they stand now, for a live terminal view.
 *
 * @param window            the sliding window's figures
 * @param teacherNonRgbTop1 the teacher's rolling non-RGB top-1; null while it has scored nothing (or is not run)
 * @param modalities        per modality, the fleet's, the frozen v0's and the teacher's figures over the window
 * @param annotations       annotations judged against truth so far
 * @param routed            of which also sent to the teacher
 * @param waitingForTruth   annotations whose truth has not arrived yet
 */
public record LiveSnapshot(
        WindowFigures window,
        Double teacherNonRgbTop1,
        java.util.Map<dev.edgevl.avro.Modality, TimePoint.Judged> modalities,
        long annotations,
        long routed,
        int waitingForTruth,
        LiveReport.Matching matching) {

    /** Share of all judged annotations that were also sent to the teacher; null before the first. */
    public Double routingShare() {
        return annotations == 0 ? null : (double) routed / annotations;
    }
}
