package dev.edgevl.sim.render;

import dev.edgevl.sim.world.Scene;

/**
 * The clean, sensor-free result of rendering one scene from its camera: what an ideal camera, range
 * finder and radiometer would see. Sensors read these arrays and add their own noise; they must not
 * write to them, because one rendering serves every sensor of a device.
 *
 * <p>Arrays are row-major, top-left first, and are reused by the next render into the same buffers.
 */
public final class RenderBuffers {

    /** {@link #surface()} code of a floor pixel. */
    public static final byte FLOOR = 0;
    /** {@link #surface()} code of a back-wall pixel. */
    public static final byte WALL = 1;
    /** {@link #surface()} code of a ray that hit nothing (only possible with unusual cameras). */
    public static final byte NOTHING = 2;
    /** {@link #surface()} code of object 0 of the scene; object i is this plus i. */
    public static final int FIRST_OBJECT = 3;

    private final int width;
    private final int height;
    private final float[] radiance;
    private final float[] depth;
    private final float[] temperature;
    private final float[] facing;
    private final byte[] surface;
    private Scene scene;

    public RenderBuffers(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        this.radiance = new float[3 * n];
        this.depth = new float[n];
        this.temperature = new float[n];
        this.facing = new float[n];
        this.surface = new byte[n];
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Linear RGB radiance, three floats per pixel, about 1 for a white surface under a full key light. */
    public float[] radiance() {
        return radiance;
    }

    /** Distance along the camera axis in metres; infinite where the ray hits nothing. */
    public float[] depth() {
        return depth;
    }

    /** Apparent (radiometric) surface temperature in kelvin, emissivity and reflections included. */
    public float[] temperature() {
        return temperature;
    }

    /** |cos| of the angle between the surface normal and the ray: near 0 at grazing angles. */
    public float[] facing() {
        return facing;
    }

    /** Which surface each pixel shows: {@link #FLOOR}, {@link #WALL}, {@link #NOTHING} or an object. */
    public byte[] surface() {
        return surface;
    }

    /** Index into the scene's object list of the object a pixel shows, or -1 for floor, wall or nothing. */
    public int objectAt(int pixel) {
        int s = surface[pixel];
        return s >= FIRST_OBJECT ? s - FIRST_OBJECT : -1;
    }

    /** The scene these buffers hold, or null before the first render. */
    public Scene scene() {
        return scene;
    }

    void scene(Scene rendered) {
        this.scene = rendered;
    }

    boolean fits(Scene s) {
        return s.width() == width && s.height() == height;
    }
}
