package dev.edgevl.eval.live;

import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.ObjectTruth;
import java.util.Optional;

/** The label a frame should get: its scene's main object's shape, as in the offline evaluation. */
final class TruthLabels {
    private TruthLabels() {}

    /** Empty for a frame with no object in view (nothing to be right or wrong about). */
    static Optional<String> label(FrameTruth truth) {
        ObjectTruth first = null;
        for (ObjectTruth o : truth.getObjects()) {
            if (o.getPrimary()) {
                return Optional.of(o.getShape());
            }
            if (first == null) {
                first = o;
            }
        }
        return Optional.ofNullable(first).map(ObjectTruth::getShape);
    }
}
