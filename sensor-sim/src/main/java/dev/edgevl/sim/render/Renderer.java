package dev.edgevl.sim.render;

import dev.edgevl.sim.world.Camera;
import dev.edgevl.sim.world.Scene;
import dev.edgevl.sim.world.SceneObject;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Renders a scene into clean radiance, depth and temperature buffers from its camera.
 *
 * <p>Floor and wall are planes hit analytically; objects are signed distance functions marched only
 * where the ray enters their bounding sphere, nearest object first so a hit shortens the search for
 * the rest. One ray per pixel and no allocation per pixel; that is what keeps a 64×64 triple to a
 * couple of milliseconds.
 *
 * <p>Not thread-safe: a renderer keeps scratch state. Use one per thread.
 */
public final class Renderer {

    private final float[] normal = new float[3];
    private PlacedObject[] placed = new PlacedObject[8];
    private PlacedObject[] byDistance = new PlacedObject[8];

    /** Renders into fresh buffers. */
    public RenderBuffers render(Scene scene) {
        return render(scene, new RenderBuffers(scene.width(), scene.height()));
    }

    /** Renders into {@code into}, which must have the scene's size, and returns it. */
    public RenderBuffers render(Scene scene, RenderBuffers into) {
        if (!into.fits(scene)) {
            throw new IllegalArgumentException("buffers are " + into.width() + "x" + into.height()
                    + " but the scene is " + scene.width() + "x" + scene.height());
        }
        List<SceneObject> objects = scene.objects();
        if (objects.size() > 120) {
            throw new IllegalArgumentException("a scene holds at most 120 objects, this one has " + objects.size());
        }
        int count = prepare(objects, scene.camera());
        Shading shading = new Shading(scene.lighting(), scene.environment(), placed, count);
        trace(scene, into, shading, count);
        into.scene(scene);
        return into;
    }

    private int prepare(List<SceneObject> objects, Camera camera) {
        int count = objects.size();
        if (placed.length < count) {
            placed = new PlacedObject[count];
            byDistance = new PlacedObject[count];
        }
        for (int i = 0; i < count; i++) {
            PlacedObject p = new PlacedObject(i, objects.get(i));
            float dx = p.cx - camera.x();
            float dy = p.cy - camera.y();
            float dz = p.cz - camera.z();
            p.cameraDistance = (float) Math.sqrt(dx * dx + dy * dy + dz * dz) - p.radius;
            placed[i] = p;
            byDistance[i] = p;
        }
        Arrays.sort(byDistance, 0, count, Comparator.comparingDouble(p -> p.cameraDistance));
        return count;
    }

    private void trace(Scene scene, RenderBuffers out, Shading shading, int count) {
        Camera cam = scene.camera();
        int w = scene.width();
        int h = scene.height();
        double yaw = Math.toRadians(cam.yawDeg());
        double pitch = Math.toRadians(cam.pitchDeg());
        double roll = Math.toRadians(cam.rollDeg());
        // forward, then right and up rolled about forward; StrictMath so every JVM renders the same bytes
        float fx = (float) (StrictMath.sin(yaw) * StrictMath.cos(pitch));
        float fy = (float) -StrictMath.sin(pitch);
        float fz = (float) (StrictMath.cos(yaw) * StrictMath.cos(pitch));
        float rx0 = (float) StrictMath.cos(yaw);
        float rz0 = (float) -StrictMath.sin(yaw);
        float ux0 = fy * rz0;
        float uy0 = fz * rx0 - fx * rz0;
        float uz0 = -fy * rx0;
        float cr = (float) StrictMath.cos(roll);
        float sr = (float) StrictMath.sin(roll);
        float rx = rx0 * cr + ux0 * sr;
        float ry = uy0 * sr;
        float rz = rz0 * cr + uz0 * sr;
        float ux = ux0 * cr - rx0 * sr;
        float uy = uy0 * cr;
        float uz = uz0 * cr - rz0 * sr;
        float tanY = (float) StrictMath.tan(Math.toRadians(cam.fovYDeg()) / 2);
        float tanX = tanY * w / h;
        float pixelAngle = 2f * tanY / h;
        float ox = cam.x();
        float oy = cam.y();
        float oz = cam.z();
        float wallZ = scene.environment().wallZ();

        float[] rgb = out.radiance();
        float[] depth = out.depth();
        float[] temperature = out.temperature();
        float[] facing = out.facing();
        byte[] surface = out.surface();
        for (int j = 0; j < h; j++) {
            float v = (1f - 2f * (j + 0.5f) / h) * tanY;
            for (int i = 0; i < w; i++) {
                float u = (2f * (i + 0.5f) / w - 1f) * tanX;
                float dx = fx + u * rx + v * ux;
                float dy = fy + u * ry + v * uy;
                float dz = fz + u * rz + v * uz;
                float inv = 1f / (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
                dx *= inv;
                dy *= inv;
                dz *= inv;
                int pixel = j * w + i;

                float best = Float.POSITIVE_INFINITY;
                byte what = RenderBuffers.NOTHING;
                if (dy < 0f && oy > 0f) {
                    best = -oy / dy;
                    what = RenderBuffers.FLOOR;
                }
                if (dz > 0f) {
                    float tw = (wallZ - oz) / dz;
                    if (tw > 0f && tw < best) {
                        best = tw;
                        what = RenderBuffers.WALL;
                    }
                }
                PlacedObject hit = null;
                for (int k = 0; k < count; k++) {
                    PlacedObject o = byDistance[k];
                    if (o.cameraDistance >= best) {
                        break;
                    }
                    float t = o.intersect(ox, oy, oz, dx, dy, dz, best, pixelAngle);
                    if (t < best) {
                        best = t;
                        hit = o;
                    }
                }

                float px = ox + dx * best;
                float py = oy + dy * best;
                float pz = oz + dz * best;
                if (hit != null) {
                    what = (byte) (RenderBuffers.FIRST_OBJECT + hit.index);
                    hit.normal(px, py, pz, normal);
                    temperature[pixel] = shading.object(hit, px, py, pz, normal, dx, dy, dz, rgb, pixel);
                    facing[pixel] = Math.abs(normal[0] * dx + normal[1] * dy + normal[2] * dz);
                } else if (what == RenderBuffers.FLOOR) {
                    temperature[pixel] = shading.floor(px, pz, dy, rgb, pixel);
                    facing[pixel] = Math.abs(dy);
                } else if (what == RenderBuffers.WALL) {
                    temperature[pixel] = shading.wall(py, dz, rgb, pixel);
                    facing[pixel] = Math.abs(dz);
                } else {
                    rgb[3 * pixel] = 0f;
                    rgb[3 * pixel + 1] = 0f;
                    rgb[3 * pixel + 2] = 0f;
                    temperature[pixel] = scene.environment().ambientK();
                    facing[pixel] = 0f;
                }
                surface[pixel] = what;
                depth[pixel] = best * (dx * fx + dy * fy + dz * fz);
            }
        }
    }
}
