package dev.edgevl.sim.render;

import dev.edgevl.sim.world.Material;
import dev.edgevl.sim.world.SceneObject;
import dev.edgevl.sim.world.Shape;

/**
 * A scene object prepared for ray marching: its transform flattened into floats and its bounding
 * sphere, so that a ray that cannot hit it costs one sphere test and a ray that can is marched in the
 * shape's own unit space (no matrix per step).
 */
final class PlacedObject {

    private static final int MAX_STEPS = 72;
    private static final int MAX_SHADOW_STEPS = 28;
    private static final float NORMAL_H = 0.0015f;

    final int index;
    final Shape shape;
    final float cx;
    final float cy;
    final float cz;
    final float scale;
    final float invScale;
    final float radius;
    final float stepFactor;
    final float red;
    final float green;
    final float blue;
    final Material material;
    final float temperatureK;
    // world-from-object rotation, row-major
    private final float m00;
    private final float m01;
    private final float m02;
    private final float m10;
    private final float m11;
    private final float m12;
    private final float m20;
    private final float m21;
    private final float m22;

    /** Distance from the camera, for sorting near objects first so later ones are cut short. */
    float cameraDistance;

    PlacedObject(int index, SceneObject o) {
        this.index = index;
        this.shape = o.shape();
        this.cx = o.x();
        this.cy = o.y();
        this.cz = o.z();
        this.scale = o.scale();
        this.invScale = 1f / o.scale();
        this.radius = o.boundingRadius() * 1.01f + 0.001f;
        this.stepFactor = shape.stepFactor();
        this.red = o.albedo().r();
        this.green = o.albedo().g();
        this.blue = o.albedo().b();
        this.material = o.material();
        this.temperatureK = o.temperatureK();
        float[] m = o.rotation();
        m00 = m[0];
        m01 = m[1];
        m02 = m[2];
        m10 = m[3];
        m11 = m[4];
        m12 = m[5];
        m20 = m[6];
        m21 = m[7];
        m22 = m[8];
    }

    /**
     * Distance along the ray to the surface, or +infinity when the ray misses it before {@code limit}.
     *
     * @param pixelAngle the angle one pixel subtends; the hit tolerance grows with distance by it, which
     *     stops rays that graze a silhouette from spending all their steps on sub-pixel detail
     */
    float intersect(float ox, float oy, float oz, float dx, float dy, float dz, float limit, float pixelAngle) {
        float px = ox - cx;
        float py = oy - cy;
        float pz = oz - cz;
        float b = px * dx + py * dy + pz * dz;
        float c = px * px + py * py + pz * pz - radius * radius;
        float disc = b * b - c;
        if (disc <= 0f) {
            return Float.POSITIVE_INFINITY;
        }
        float sq = (float) Math.sqrt(disc);
        float t0 = Math.max(-b - sq, 0f);
        float t1 = Math.min(-b + sq, limit);
        if (t0 >= t1) {
            return Float.POSITIVE_INFINITY;
        }
        // unit-space ray: rotate by the transpose, divide by scale; direction stays unit length
        float lox = (m00 * px + m10 * py + m20 * pz) * invScale;
        float loy = (m01 * px + m11 * py + m21 * pz) * invScale;
        float loz = (m02 * px + m12 * py + m22 * pz) * invScale;
        float ldx = m00 * dx + m10 * dy + m20 * dz;
        float ldy = m01 * dx + m11 * dy + m21 * dz;
        float ldz = m02 * dx + m12 * dy + m22 * dz;
        float t = t0 * invScale;
        float end = t1 * invScale;
        float epsBase = 0.0004f * invScale;
        for (int step = 0; step < MAX_STEPS; step++) {
            float h = shape.distance(lox + ldx * t, loy + ldy * t, loz + ldz * t);
            if (h < epsBase + pixelAngle * 0.35f * t) {
                return t * scale;
            }
            t += h * stepFactor;
            if (t > end) {
                return Float.POSITIVE_INFINITY;
            }
        }
        return Float.POSITIVE_INFINITY;
    }

    /** Writes the world-space unit normal at world point (x, y, z) into {@code out}. */
    void normal(float x, float y, float z, float[] out) {
        float px = x - cx;
        float py = y - cy;
        float pz = z - cz;
        float lx = (m00 * px + m10 * py + m20 * pz) * invScale;
        float ly = (m01 * px + m11 * py + m21 * pz) * invScale;
        float lz = (m02 * px + m12 * py + m22 * pz) * invScale;
        // tetrahedral central differences: four evaluations instead of six
        float h = NORMAL_H;
        float a = shape.distance(lx + h, ly - h, lz - h);
        float b = shape.distance(lx - h, ly - h, lz + h);
        float c = shape.distance(lx - h, ly + h, lz - h);
        float d = shape.distance(lx + h, ly + h, lz + h);
        float nx = a - b - c + d;
        float ny = -a - b + c + d;
        float nz = -a + b - c + d;
        float len = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (len < 1e-12f) {
            out[0] = 0;
            out[1] = 1;
            out[2] = 0;
            return;
        }
        nx /= len;
        ny /= len;
        nz /= len;
        out[0] = m00 * nx + m01 * ny + m02 * nz;
        out[1] = m10 * nx + m11 * ny + m12 * nz;
        out[2] = m20 * nx + m21 * ny + m22 * nz;
    }

    /**
     * How much light along (lx, ly, lz) from world point p this object lets through: 1 = none blocked,
     * 0 = fully blocked, in between for a penumbra (the classic k·h/t soft-shadow estimate, which is
     * scale-free, so it can be taken in unit space).
     */
    float transmittance(float ox, float oy, float oz, float lx, float ly, float lz, float sharpness) {
        float px = ox - cx;
        float py = oy - cy;
        float pz = oz - cz;
        float b = px * lx + py * ly + pz * lz;
        float c = px * px + py * py + pz * pz - radius * radius;
        if (c > 0f && b > 0f) {
            return 1f;
        }
        float disc = b * b - c;
        if (disc <= 0f) {
            return 1f;
        }
        float sq = (float) Math.sqrt(disc);
        float end = (-b + sq) * invScale;
        float lox = (m00 * px + m10 * py + m20 * pz) * invScale;
        float loy = (m01 * px + m11 * py + m21 * pz) * invScale;
        float loz = (m02 * px + m12 * py + m22 * pz) * invScale;
        float ldx = m00 * lx + m10 * ly + m20 * lz;
        float ldy = m01 * lx + m11 * ly + m21 * lz;
        float ldz = m02 * lx + m12 * ly + m22 * lz;
        float t = Math.max((-b - sq) * invScale, 0.02f);
        float result = 1f;
        for (int step = 0; step < MAX_SHADOW_STEPS && t < end; step++) {
            float h = shape.distance(lox + ldx * t, loy + ldy * t, loz + ldz * t);
            if (h < 0.001f) {
                return 0f;
            }
            result = Math.min(result, sharpness * h / t);
            t += Math.max(0.01f, Math.min(h * stepFactor, 0.25f));
        }
        return Math.max(result, 0f);
    }

    /** Ambient occlusion this object casts on a point of the floor (a sphere-occluder estimate). */
    float floorOcclusion(float x, float z) {
        float vx = cx - x;
        float vz = cz - z;
        float body = 0.6f * radius;
        float l2 = vx * vx + cy * cy + vz * vz;
        if (l2 > 36f * body * body) {
            return 0f;
        }
        float l = (float) Math.sqrt(l2);
        return body * body / l2 * (cy / l);
    }
}
