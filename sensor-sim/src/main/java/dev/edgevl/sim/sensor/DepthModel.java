package dev.edgevl.sim.sensor;

/**
 * How a depth camera errs. Noise grows with the square of distance, as it does for stereo and
 * structured light; readings go missing at random, at grazing angles, along depth edges (where real
 * sensors reject mixed pixels) and on shiny metal; and the calibration can be off by a scale and a bias.
 *
 * @param noiseMmAt1m standard deviation of the depth noise at 1 m, in mm (1.5 m gives 2.25× that)
 * @param holeRate chance that any pixel has no reading
 * @param grazingCos below this |cos| between surface normal and ray a surface counts as grazing
 * @param grazingHoleRate extra chance of no reading on a fully grazing surface (fades out to grazingCos)
 * @param edgeHoleRate extra chance of no reading next to a depth edge
 * @param specularHoleRate extra chance of no reading on metal
 * @param scale multiplies every distance (a miscalibrated baseline)
 * @param biasMm added to every distance
 * @param minRangeM nearer than this: no reading
 * @param maxRangeM farther than this: no reading
 */
public record DepthModel(
        double noiseMmAt1m,
        double holeRate,
        double grazingCos,
        double grazingHoleRate,
        double edgeHoleRate,
        double specularHoleRate,
        double scale,
        double biasMm,
        double minRangeM,
        double maxRangeM) {

    /** About 1 cm of noise at 1.5 m and 3% random holes: the "middle world" (sensor-sim/README.md). */
    public static final DepthModel DEFAULT = new DepthModel(4.5, 0.03, 0.15, 0.6, 0.3, 0.1, 1.0, 0.0, 0.2, 6.0);

    /**
     * The sensor a "depth-sensor-change" swaps in: a cheaper time-of-flight-like unit with twice the
     * noise, more holes, a 2.5% scale error, a bias and a 3 m range (so the back wall often vanishes).
     */
    public static final DepthModel REPLACEMENT =
            new DepthModel(10.0, 0.06, 0.35, 0.8, 0.5, 0.3, 1.025, 18.0, 0.25, 3.0);

    public DepthModel {
        requireRange("noiseMmAt1m", noiseMmAt1m, 0, 1000);
        requireRange("holeRate", holeRate, 0, 1);
        requireRange("grazingCos", grazingCos, 0, 1);
        requireRange("grazingHoleRate", grazingHoleRate, 0, 1);
        requireRange("edgeHoleRate", edgeHoleRate, 0, 1);
        requireRange("specularHoleRate", specularHoleRate, 0, 1);
        requireRange("scale", scale, 0.5, 2);
        requireRange("biasMm", biasMm, -1000, 1000);
        requireRange("minRangeM", minRangeM, 0, 65);
        requireRange("maxRangeM", maxRangeM, minRangeM, 65.535);
    }

    /** A perfect sensor of the same range: no noise, no holes (tests and reference images). */
    public static DepthModel ideal() {
        return new DepthModel(0, 0, 0, 0, 0, 0, 1, 0, 0.05, 65.535);
    }

    public DepthModel withHoleRate(double rate) {
        return new DepthModel(
                noiseMmAt1m,
                rate,
                grazingCos,
                grazingHoleRate,
                edgeHoleRate,
                specularHoleRate,
                scale,
                biasMm,
                minRangeM,
                maxRangeM);
    }

    private static void requireRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    "depth model " + name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
