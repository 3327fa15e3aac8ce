package dev.edgevl.sim.sensor;

import dev.edgevl.sim.render.RenderBuffers;
import dev.edgevl.sim.render.Renderer;
import dev.edgevl.sim.world.Scene;
import java.util.Random;

/**
 * One renderer and one sensor of each kind, mounted on the same camera: render a scene once, capture
 * it as many times with as many sensors as needed. The usual way to make training data or a demo frame.
 *
 * <p>Not thread-safe: it reuses its buffers from scene to scene. Use one rig per thread.
 */
public final class SensorRig {

    private final Renderer renderer = new Renderer();
    private final RgbSensor rgb = new RgbSensor();
    private final DepthSensor depth = new DepthSensor();
    private final ThermalSensor thermal = new ThermalSensor();
    private RenderBuffers buffers;

    /** Renders into the rig's own buffers; the result is valid until the rig's next render. */
    public RenderBuffers render(Scene scene) {
        if (buffers == null || buffers.width() != scene.width() || buffers.height() != scene.height()) {
            buffers = new RenderBuffers(scene.width(), scene.height());
        }
        return renderer.render(scene, buffers);
    }

    public Frame rgb(RenderBuffers rendered, double lightLevel, Random random) {
        return rgb.capture(rendered, lightLevel, random);
    }

    public Frame depth(RenderBuffers rendered, DepthModel model, Random random) {
        return depth.capture(rendered, model, random);
    }

    public Frame thermal(RenderBuffers rendered, Random random) {
        return thermal.capture(rendered, random);
    }

    /** Renders {@code scene} and captures it with all three sensors, noise drawn from {@code random}. */
    public Triple capture(Scene scene, double lightLevel, DepthModel model, Random random) {
        RenderBuffers rendered = render(scene);
        return new Triple(rgb(rendered, lightLevel, random), depth(rendered, model, random), thermal(rendered, random));
    }

    /** What the three sensors of a rig saw of one scene. */
    public record Triple(Frame rgb, Frame depth, Frame thermal) {}
}
