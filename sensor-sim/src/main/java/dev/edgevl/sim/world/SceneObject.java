package dev.edgevl.sim.world;

/**
 * One object standing on the floor. Position is the centre of its unit shape in world metres (y up,
 * the camera looks towards +z); rotation is yaw about y, then pitch about x, then roll about z, in
 * degrees; {@code scale} is the extent in metres of the unit shape.
 *
 * @param colour the caption word for the colour ("red"; scenery uses names like "cardboard")
 * @param temperatureK the surface temperature the object would have in the shade
 */
public record SceneObject(
        Role role,
        Shape shape,
        String colour,
        LinearRgb albedo,
        SizeClass size,
        float scale,
        Material material,
        float x,
        float y,
        float z,
        float yawDeg,
        float pitchDeg,
        float rollDeg,
        float temperatureK) {

    /** Builds an object at (x, z) with its lowest point resting on the floor. */
    public static SceneObject resting(
            Role role,
            Shape shape,
            String colour,
            LinearRgb albedo,
            SizeClass size,
            float scale,
            Material material,
            float x,
            float z,
            float yawDeg,
            float pitchDeg,
            float rollDeg,
            float temperatureK) {
        float[] rotation = rotation(yawDeg, pitchDeg, rollDeg);
        float y = -shape.lowestY(rotation) * scale;
        return new SceneObject(
                role, shape, colour, albedo, size, scale, material, x, y, z, yawDeg, pitchDeg, rollDeg, temperatureK);
    }

    /** The same object at another temperature (tests and what-if renders). */
    public SceneObject withTemperature(float kelvin) {
        return new SceneObject(
                role, shape, colour, albedo, size, scale, material, x, y, z, yawDeg, pitchDeg, rollDeg, kelvin);
    }

    /** Row-major world-from-object rotation. */
    public float[] rotation() {
        return rotation(yawDeg, pitchDeg, rollDeg);
    }

    /** Radius of a sphere around (x, y, z) that contains the object. */
    public float boundingRadius() {
        return shape.boundingRadius() * scale;
    }

    /** R = Ry(yaw) · Rx(pitch) · Rz(roll); StrictMath keeps scenes identical on every JVM. */
    static float[] rotation(float yawDeg, float pitchDeg, float rollDeg) {
        double cy = StrictMath.cos(Math.toRadians(yawDeg));
        double sy = StrictMath.sin(Math.toRadians(yawDeg));
        double cp = StrictMath.cos(Math.toRadians(pitchDeg));
        double sp = StrictMath.sin(Math.toRadians(pitchDeg));
        double cr = StrictMath.cos(Math.toRadians(rollDeg));
        double sr = StrictMath.sin(Math.toRadians(rollDeg));
        // Rx(p)·Rz(r)
        double[] a = {cr, -sr, 0, cp * sr, cp * cr, -sp, sp * sr, sp * cr, cp};
        // Ry(y)·a
        double[] m = new double[9];
        for (int c = 0; c < 3; c++) {
            m[c] = cy * a[c] + sy * a[6 + c];
            m[3 + c] = a[3 + c];
            m[6 + c] = -sy * a[c] + cy * a[6 + c];
        }
        float[] out = new float[9];
        for (int i = 0; i < 9; i++) {
            out[i] = (float) m[i];
        }
        return out;
    }
}
