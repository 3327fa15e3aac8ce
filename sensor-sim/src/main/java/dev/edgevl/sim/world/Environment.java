package dev.edgevl.sim.world;

/**
 * The room around the objects: a grey floor on y = 0, a back wall facing the camera at z = wallZ, and
 * the air temperature everything that is neither heated nor cooled settles at.
 */
public record Environment(float floorTone, LinearRgb wall, float wallZ, float ambientK) {

    /** The caption words for this floor. */
    public String floorWords() {
        if (floorTone < 0.12f) {
            return "dark grey floor";
        }
        return floorTone < 0.20f ? "grey floor" : "light grey floor";
    }
}
