package dev.edgevl.inference;

import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.model.onnx.LiveModel;

/**
 * What the job runs for which device: the family's fleet-wide model and, during a staged rollout, the canary model for
 * the devices whose id hashes below the canary's threshold ({@link Rollouts#inCanary}).
 *
 * @param fleet the fleet-wide model; null before the first
 * @param canary the canary model; null when no canary runs
 * @param threshold the canary's hash threshold
 */
public record Deployment(LiveModel fleet, LiveModel canary, double threshold) {
    public static final Deployment NONE = new Deployment(null, null, 0);

    public static Deployment of(LiveModel fleet) {
        return new Deployment(fleet, null, 0);
    }

    /** The model that annotates a device's frames (null before the first model). */
    public LiveModel modelFor(String deviceId) {
        return canary != null && Rollouts.inCanary(deviceId, threshold) ? canary : fleet;
    }
}
