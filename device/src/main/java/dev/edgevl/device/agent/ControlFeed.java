package dev.edgevl.device.agent;

import dev.edgevl.model.zeroshot.LiveLabels;

/**
 * Where devices hear of model versions and labels. One feed serves every device of a process, so a hundred simulated
 * devices cost one consumer of {@code models} and {@code labels.embedded}, not a hundred.
 */
public interface ControlFeed {
    /** What a device is told. Calls come from the feed's thread and must return quickly. */
    interface Listener {
        /** The newest record of a model family (every family: a listener picks its own). */
        void onModel(ModelOffer offer);

        /** The live labels after a change. */
        void onLabels(LiveLabels labels);
    }

    /**
     * Adds a listener. Once the feed has read what was already on the topics, a new listener is told the current
     * state at once (the newest record of each family and the labels), then every change.
     *
     * @return closing it stops the calls
     */
    AutoCloseable subscribe(Listener listener);
}
