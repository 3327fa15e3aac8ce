package dev.edgevl.inference;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Where an annotating instance gets its {@code models} and {@code labels.embedded} records: every instance reads both
 * compacted topics itself (they are small), so the operator takes frames on its only input and runs in the source's
 * task, with no shuffle of the frames in between.
 */
interface ControlFeed extends AutoCloseable {
    /**
     * Waits until every record written before the feed started has been read, or {@code timeout} passes.
     *
     * @return true when caught up
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException;

    /**
     * The records read since the last call, in topic order per partition; never blocks.
     *
     * @throws IllegalStateException when reading failed for good (the task then fails and restarts)
     */
    List<Control> drain();

    @Override
    void close();

    /** Opens a feed in the task (a factory travels with the job). */
    interface Factory extends Serializable {
        ControlFeed open(String clientId);
    }
}
