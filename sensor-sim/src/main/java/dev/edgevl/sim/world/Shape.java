package dev.edgevl.sim.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The shape classes of the world, each a signed distance function in its own unit space (about one
 * unit across, centred on the origin, y up). A scene object scales it by its size in metres.
 *
 * <p>Each shape also carries a small hull: points whose convex hull, inflated by {@link #inflation()},
 * contains the shape. That is enough to find the lowest point of any rotation (to rest objects on the
 * floor) and a bounding sphere (so the renderer only marches rays that can hit the object) without a
 * general support-function per shape.
 *
 * <p>The label vocabulary is {@link #labels()}; {@link #CLUTTER_BOX} is scenery and never a label.
 * New shapes are new constants: everything else (sampling, captions, scenarios) goes by name.
 */
public enum Shape {
    CUBE("cube", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return roundedBox(x, y, z, 0.37f, 0.37f, 0.37f, 0.05f);
        }
    },
    SPHERE("sphere", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return length(x, y, z) - 0.5f;
        }
    },
    CYLINDER("cylinder", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return box2(length(x, z) - 0.38f, Math.abs(y) - 0.45f);
        }
    },
    CONE("cone", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return cappedCone(length(x, z), y, 0.5f, 0.48f);
        }
    },
    TORUS("torus", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return length(length(x, z) - 0.34f, y) - 0.15f;
        }
    },
    PYRAMID("pyramid", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            // iq's square pyramid has a base of side 1 at y = 0; ours has side 0.9 and is centred.
            float k = 0.9f;
            return pyramid(x / k, (y + 0.4f) / k, z / k, 0.8f / k) * k;
        }
    },
    CAPSULE("capsule", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            float px = x - Math.max(-0.28f, Math.min(0.28f, x));
            return length(px, y, z) - 0.22f;
        }
    },
    /** A short tube with a rectangular wall: flat rim, vertical sides, sharp edges (unlike the torus). */
    RING("ring", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return box2(Math.abs(length(x, z) - 0.43f) - 0.07f, Math.abs(y) - 0.18f);
        }
    },
    /** A triangular prism lying on a rectangular face, like a tent or a roof. */
    PRISM("prism", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            float triangle = Math.max(Math.abs(x) * 0.8660254f + y * 0.5f, -y) - 0.28f;
            return Math.max(Math.abs(z) - 0.32f, triangle);
        }
    },
    ELLIPSOID("ellipsoid", 0.85f) {
        @Override
        public float distance(float x, float y, float z) {
            // radii 0.5, 0.25, 0.32: flattened as well as long, so even end-on it is no sphere
            float k0 = length(x / 0.5f, y / 0.25f, z / 0.32f);
            float k1 = length(x / 0.25f, y / 0.0625f, z / 0.1024f);
            return k1 < 1e-6f ? -0.3f : k0 * (k0 - 1f) / k1;
        }
    },
    OCTAHEDRON("octahedron", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return octahedron(Math.abs(x), Math.abs(y), Math.abs(z), 0.52f);
        }
    },
    /** A hexagonal prism lying on a flat face, its axis horizontal. */
    HEXPRISM("hexprism", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return hexPrism(x, y, z, 0.3f, 0.42f);
        }
    },
    /** Background clutter: a flat carton. Not part of the label vocabulary. */
    CLUTTER_BOX("clutter-box", 1f) {
        @Override
        public float distance(float x, float y, float z) {
            return roundedBox(x, y, z, 0.46f, 0.28f, 0.36f, 0.02f);
        }
    };

    private static final List<Shape> LABELS =
            Arrays.stream(values()).filter(s -> s != CLUTTER_BOX).toList();
    private static final List<String> DEFAULT_MIX =
            List.of("cube", "sphere", "cylinder", "cone", "torus", "pyramid", "capsule", "ring", "prism", "ellipsoid");

    private final String label;
    private final float stepFactor;
    private float[] hull;
    private float inflation;
    private float boundingRadius;

    Shape(String label, float stepFactor) {
        this.label = label;
        this.stepFactor = stepFactor;
    }

    static {
        // Hulls are built here because an enum constant cannot use the static helpers in its constructor.
        CUBE.hull(corners(0.37f, 0.37f, 0.37f), 0.05f);
        SPHERE.hull(new float[] {0, 0, 0}, 0.5f);
        CYLINDER.hull(concat(circle(0.38f, -0.45f), circle(0.38f, 0.45f)), 0f);
        CONE.hull(concat(circle(0.48f, -0.5f), new float[] {0, 0.5f, 0}), 0f);
        TORUS.hull(circle(0.34f, 0f), 0.15f);
        RING.hull(concat(circle(0.5f, -0.18f), circle(0.5f, 0.18f)), 0f);
        PYRAMID.hull(
                new float[] {
                    -0.45f, -0.4f, -0.45f, 0.45f, -0.4f, -0.45f, -0.45f, -0.4f, 0.45f, 0.45f, -0.4f, 0.45f, 0, 0.4f, 0
                },
                0f);
        CAPSULE.hull(new float[] {-0.28f, 0, 0, 0.28f, 0, 0}, 0.22f);
        PRISM.hull(prismCorners(), 0f);
        ELLIPSOID.hull(ellipsoidPoints(0.5f, 0.25f, 0.32f), 0.008f);
        OCTAHEDRON.hull(
                new float[] {0.52f, 0, 0, -0.52f, 0, 0, 0, 0.52f, 0, 0, -0.52f, 0, 0, 0, 0.52f, 0, 0, -0.52f}, 0f);
        HEXPRISM.hull(hexCorners(0.3f, 0.42f), 0f);
        CLUTTER_BOX.hull(corners(0.46f, 0.28f, 0.36f), 0.02f);
    }

    /** Signed distance in unit space: negative inside; never more than the true distance. */
    public abstract float distance(float x, float y, float z);

    /** The word for this shape in labels, captions and scenario files. */
    public String label() {
        return label;
    }

    /** How far a march may trust {@link #distance}: below 1 for bounds that may overshoot. */
    public float stepFactor() {
        return stepFactor;
    }

    /** Hull points x, y, z, x, y, z, ... in unit space; see {@link #inflation()}. */
    public float[] hullPoints() {
        return hull.clone();
    }

    public float inflation() {
        return inflation;
    }

    /** Radius of a sphere around the unit-space origin that contains the shape. */
    public float boundingRadius() {
        return boundingRadius;
    }

    /** Lowest unit-space y of the shape under the given row-major rotation matrix. */
    public float lowestY(float[] rotation) {
        float min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < hull.length; i += 3) {
            float y = rotation[3] * hull[i] + rotation[4] * hull[i + 1] + rotation[5] * hull[i + 2];
            min = Math.min(min, y);
        }
        return min - inflation;
    }

    public static List<Shape> labels() {
        return LABELS;
    }

    /** The ten classes a world samples from unless told otherwise; octahedron and hexprism come later. */
    public static List<String> defaultMix() {
        return DEFAULT_MIX;
    }

    public static Optional<Shape> byLabel(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        return LABELS.stream().filter(s -> s.label.equals(wanted)).findFirst();
    }

    public static List<String> labelNames() {
        return LABELS.stream().map(Shape::label).toList();
    }

    private void hull(float[] points, float inflate) {
        this.hull = points;
        this.inflation = inflate;
        float max = 0;
        for (int i = 0; i < points.length; i += 3) {
            max = Math.max(max, length(points[i], points[i + 1], points[i + 2]));
        }
        this.boundingRadius = max + inflate;
    }

    // ---- distance helpers (after Inigo Quilez's catalogue of exact SDFs) ----

    static float length(float x, float y) {
        return (float) Math.sqrt(x * x + y * y);
    }

    static float length(float x, float y, float z) {
        return (float) Math.sqrt(x * x + y * y + z * z);
    }

    /** Distance to a 2D box given the per-axis excess (|p| - half extent). */
    static float box2(float dx, float dy) {
        float ox = Math.max(dx, 0f);
        float oy = Math.max(dy, 0f);
        return Math.min(Math.max(dx, dy), 0f) + length(ox, oy);
    }

    static float roundedBox(float x, float y, float z, float bx, float by, float bz, float r) {
        float qx = Math.abs(x) - bx;
        float qy = Math.abs(y) - by;
        float qz = Math.abs(z) - bz;
        float outside = length(Math.max(qx, 0f), Math.max(qy, 0f), Math.max(qz, 0f));
        return outside + Math.min(Math.max(qx, Math.max(qy, qz)), 0f) - r;
    }

    /** A cone with its apex up: half height h, base radius r, in (radial distance q, height y). */
    static float cappedCone(float q, float y, float h, float r) {
        float caX = q - Math.min(q, y < 0 ? r : 0f);
        float caY = Math.abs(y) - h;
        float k2x = -r;
        float k2y = 2f * h;
        float t = ((-q) * k2x + (h - y) * k2y) / (k2x * k2x + k2y * k2y);
        t = Math.max(0f, Math.min(1f, t));
        float cbX = q + k2x * t;
        float cbY = y - h + k2y * t;
        float s = (cbX < 0f && caY < 0f) ? -1f : 1f;
        return s * (float) Math.sqrt(Math.min(caX * caX + caY * caY, cbX * cbX + cbY * cbY));
    }

    /** Square pyramid with base side 1 on y = 0 and apex at height h. */
    static float pyramid(float x, float y, float z, float h) {
        float m2 = h * h + 0.25f;
        float px = Math.abs(x);
        float pz = Math.abs(z);
        if (pz > px) {
            float t = px;
            px = pz;
            pz = t;
        }
        px -= 0.5f;
        pz -= 0.5f;
        float qx = pz;
        float qy = h * y - 0.5f * px;
        float qz = h * px + 0.5f * y;
        float s = Math.max(-qx, 0f);
        float t = Math.max(0f, Math.min(1f, (qy - 0.5f * pz) / (m2 + 0.25f)));
        float a = m2 * (qx + s) * (qx + s) + qy * qy;
        float b = m2 * (qx + 0.5f * t) * (qx + 0.5f * t) + (qy - m2 * t) * (qy - m2 * t);
        float d2 = Math.min(qy, -qx * m2 - qy * 0.5f) > 0f ? 0f : Math.min(a, b);
        float d = (float) Math.sqrt((d2 + qz * qz) / m2);
        return Math.max(qz, -y) < 0f ? -d : d;
    }

    /** Regular octahedron with vertices at distance s; arguments already made absolute. */
    static float octahedron(float px, float py, float pz, float s) {
        float m = px + py + pz - s;
        float qx;
        float qy;
        float qz;
        if (3f * px < m) {
            qx = px;
            qy = py;
            qz = pz;
        } else if (3f * py < m) {
            qx = py;
            qy = pz;
            qz = px;
        } else if (3f * pz < m) {
            qx = pz;
            qy = px;
            qz = py;
        } else {
            return m * 0.57735027f;
        }
        float k = Math.max(0f, Math.min(s, 0.5f * (qz - qy + s)));
        return length(qx, qy - s + k, qz - k);
    }

    /** Hexagonal prism along z: apothem a (flat faces at y = ±a), half length h. */
    static float hexPrism(float x, float y, float z, float a, float h) {
        final float kx = -0.8660254f;
        final float ky = 0.5f;
        final float kz = 0.57735f;
        float px = Math.abs(x);
        float py = Math.abs(y);
        float pz = Math.abs(z);
        float dot = Math.min(kx * px + ky * py, 0f);
        px -= 2f * dot * kx;
        py -= 2f * dot * ky;
        float cx = Math.max(-kz * a, Math.min(kz * a, px));
        float dx = length(px - cx, py - a) * Math.signum(py - a);
        float dy = pz - h;
        return box2(dx, dy);
    }

    // ---- hull builders ----

    private static float[] corners(float bx, float by, float bz) {
        float[] out = new float[24];
        int i = 0;
        for (int sx = -1; sx <= 1; sx += 2) {
            for (int sy = -1; sy <= 1; sy += 2) {
                for (int sz = -1; sz <= 1; sz += 2) {
                    out[i++] = sx * bx;
                    out[i++] = sy * by;
                    out[i++] = sz * bz;
                }
            }
        }
        return out;
    }

    private static float[] circle(float r, float y) {
        int n = 48;
        float[] out = new float[n * 3];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            // A 48-gon lies inside its circle; push it out so the hull still contains the disc.
            float rr = r / (float) StrictMath.cos(Math.PI / n);
            out[3 * i] = rr * (float) StrictMath.cos(a);
            out[3 * i + 1] = y;
            out[3 * i + 2] = rr * (float) StrictMath.sin(a);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] prismCorners() {
        List<Float> pts = new ArrayList<>();
        // triangle with centroid at the origin: base at y = -0.28, apex at 0.56, half base 0.485
        for (float z : new float[] {-0.32f, 0.32f}) {
            addAll(pts, -0.4849742f, -0.28f, z);
            addAll(pts, 0.4849742f, -0.28f, z);
            addAll(pts, 0f, 0.56f, z);
        }
        return toArray(pts);
    }

    private static float[] hexCorners(float apothem, float half) {
        List<Float> pts = new ArrayList<>();
        float r = apothem / 0.8660254f;
        for (float z : new float[] {-half, half}) {
            for (int i = 0; i < 6; i++) {
                double a = Math.PI / 3 * i;
                addAll(pts, r * (float) StrictMath.cos(a), r * (float) StrictMath.sin(a), z);
            }
        }
        return toArray(pts);
    }

    private static float[] ellipsoidPoints(float rx, float ry, float rz) {
        int n = 128;
        float[] out = new float[n * 3];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < n; i++) {
            double y = 1 - 2.0 * (i + 0.5) / n;
            double r = Math.sqrt(1 - y * y);
            double a = golden * i;
            out[3 * i] = rx * (float) (r * StrictMath.cos(a));
            out[3 * i + 1] = ry * (float) y;
            out[3 * i + 2] = rz * (float) (r * StrictMath.sin(a));
        }
        return out;
    }

    private static void addAll(List<Float> pts, float x, float y, float z) {
        pts.add(x);
        pts.add(y);
        pts.add(z);
    }

    private static float[] toArray(List<Float> pts) {
        float[] out = new float[pts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pts.get(i);
        }
        return out;
    }
}
