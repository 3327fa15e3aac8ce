package dev.edgevl.sim.world;

import dev.edgevl.sim.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Draws scenes from a {@link WorldConfig}. The primary object stands near the centre of the view and
 * the distractor off to one side, so "the object in the picture" is never ambiguous; clutter boxes are
 * scattered anywhere on the floor they do not collide with.
 */
public final class SceneSampler {

    private static final LinearRgb[] CLUTTER_ALBEDO = {
        new LinearRgb(0.42f, 0.27f, 0.13f), new LinearRgb(0.28f, 0.28f, 0.27f),
        new LinearRgb(0.07f, 0.07f, 0.08f), new LinearRgb(0.60f, 0.58f, 0.52f)
    };
    private static final String[] CLUTTER_NAMES = {"cardboard", "grey", "black", "off-white"};
    private static final LinearRgb[] WALLS = {
        new LinearRgb(0.60f, 0.58f, 0.52f), new LinearRgb(0.35f, 0.40f, 0.45f),
        new LinearRgb(0.55f, 0.48f, 0.36f), new LinearRgb(0.38f, 0.42f, 0.36f)
    };

    private final WorldConfig config;
    private final Shape[] classes;
    private final double[] cumulative;

    public SceneSampler(WorldConfig config) {
        this.config = config;
        Map<String, Double> mix = config.classMix();
        this.classes = new Shape[mix.size()];
        this.cumulative = new double[mix.size()];
        double total = 0;
        int i = 0;
        for (Map.Entry<String, Double> e : mix.entrySet()) {
            classes[i] = Shape.byLabel(e.getKey()).orElseThrow();
            total += e.getValue();
            cumulative[i++] = total;
        }
    }

    public WorldConfig config() {
        return config;
    }

    /** The scene whose id is {@code sceneId}: the id alone determines it. */
    public Scene sample(long sceneId) {
        return sample(sceneId, new Random(Seeds.derive(sceneId, "scene")));
    }

    /** A scene drawn from {@code random}, labelled {@code sceneId}. */
    public Scene sample(long sceneId, Random random) {
        Environment environment = environment(random);
        Lighting lighting = lighting(random);
        Camera camera = camera(random);
        List<SceneObject> objects = new ArrayList<>();
        Shape primaryShape = pickShape(random);
        objects.add(mainObject(
                Role.PRIMARY,
                primaryShape,
                random,
                uniform(random, -0.08, 0.08),
                uniform(random, -0.08, 0.08),
                primarySize(random),
                environment));
        if (random.nextDouble() < config.distractorProbability()) {
            distractor(random, primaryShape, objects, environment);
        }
        int clutter = config.clutterMin() + random.nextInt(config.clutterMax() - config.clutterMin() + 1);
        for (int i = 0; i < clutter; i++) {
            clutterBox(random, objects, environment);
        }
        return new Scene(sceneId, config.width(), config.height(), objects, camera, lighting, environment);
    }

    private Shape pickShape(Random random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return classes[i];
            }
        }
        return classes[classes.length - 1];
    }

    private void distractor(Random random, Shape primaryShape, List<SceneObject> objects, Environment env) {
        Shape shape = pickShape(random);
        for (int tries = 0; tries < 4 && shape == primaryShape && classes.length > 1; tries++) {
            shape = pickShape(random);
        }
        if (shape == primaryShape) {
            return;
        }
        SizeClass size = SizeClass.values()[random.nextInt(3)];
        for (int attempt = 0; attempt < 8; attempt++) {
            float side = random.nextBoolean() ? 1f : -1f;
            float x = side * uniform(random, 0.22, 0.34);
            float z = uniform(random, -0.12, 0.30);
            SceneObject candidate = mainObject(Role.DISTRACTOR, shape, random, x, z, size, env);
            if (clear(candidate, objects, 0.75f)) {
                objects.add(candidate);
                return;
            }
        }
    }

    private void clutterBox(Random random, List<SceneObject> objects, Environment env) {
        for (int attempt = 0; attempt < 8; attempt++) {
            int look = random.nextInt(CLUTTER_ALBEDO.length);
            SceneObject box = SceneObject.resting(
                    Role.CLUTTER,
                    Shape.CLUTTER_BOX,
                    CLUTTER_NAMES[look],
                    CLUTTER_ALBEDO[look].scaled(uniform(random, 0.85, 1.1)),
                    SizeClass.SMALL,
                    uniform(random, 0.09, 0.16),
                    random.nextBoolean() ? Material.MATTE : Material.GLOSSY,
                    uniform(random, -0.65, 0.65),
                    uniform(random, -0.30, 1.10),
                    uniform(random, 0, 360),
                    0f,
                    0f,
                    env.ambientK() + uniform(random, -1, 1));
            if (clear(box, objects, 1f)) {
                objects.add(box);
                return;
            }
        }
    }

    private SceneObject mainObject(
            Role role, Shape shape, Random random, float x, float z, SizeClass size, Environment env) {
        Colour colour = Colour.values()[random.nextInt(Colour.values().length)];
        Material material = material(random);
        float scale = uniform(random, size.minMetres(), size.maxMetres());
        float yaw = uniform(random, 0, 360);
        float pitch = 0;
        float roll = 0;
        if (random.nextDouble() < 0.35) {
            pitch = uniform(random, -18, 18);
            roll = uniform(random, -18, 18);
        }
        return SceneObject.resting(
                role,
                shape,
                colour.word(),
                colour.albedo(),
                size,
                scale,
                material,
                x,
                z,
                yaw,
                pitch,
                roll,
                temperature(random, env.ambientK()));
    }

    /** Most primaries are clearly visible; a quarter are small, as in the prototype's hard cases. */
    private static SizeClass primarySize(Random random) {
        double u = random.nextDouble();
        return u < 0.25 ? SizeClass.SMALL : u < 0.65 ? SizeClass.MEDIUM : SizeClass.LARGE;
    }

    private static Material material(Random random) {
        double u = random.nextDouble();
        return u < 0.45 ? Material.MATTE : u < 0.8 ? Material.GLOSSY : Material.METAL;
    }

    /** Some objects run warm (motors, lamps, people's things), some sit at room temperature, some are chilled. */
    private static float temperature(Random random, float ambientK) {
        double u = random.nextDouble();
        if (u < 0.4) {
            return ambientK + uniform(random, 8, 35);
        }
        if (u < 0.75) {
            return ambientK + uniform(random, -1.5, 1.5);
        }
        return ambientK - uniform(random, 6, 20);
    }

    private static boolean clear(SceneObject candidate, List<SceneObject> placed, float slack) {
        for (SceneObject other : placed) {
            float dx = candidate.x() - other.x();
            float dz = candidate.z() - other.z();
            float min = slack * (candidate.boundingRadius() + other.boundingRadius());
            if (dx * dx + dz * dz < min * min) {
                return false;
            }
        }
        return true;
    }

    private static Environment environment(Random random) {
        LinearRgb wall = WALLS[random.nextInt(WALLS.length)].scaled(uniform(random, 0.8, 1.1));
        return new Environment(uniform(random, 0.06, 0.30), wall, uniform(random, 1.2, 2.2), uniform(random, 291, 297));
    }

    private static Lighting lighting(Random random) {
        double elevation = Math.toRadians(uniform(random, 30, 70));
        double azimuth = Math.toRadians(uniform(random, -130, 130));
        float dx = (float) (StrictMath.cos(elevation) * StrictMath.sin(azimuth));
        float dy = (float) StrictMath.sin(elevation);
        float dz = (float) (-StrictMath.cos(elevation) * StrictMath.cos(azimuth));
        float warmth = uniform(random, -1, 1);
        LinearRgb tint = new LinearRgb(1f + 0.06f * warmth, 1f, 1f - 0.08f * warmth);
        return new Lighting(
                dx, dy, dz, uniform(random, 0.9, 1.4), tint, uniform(random, 0.12, 0.30), uniform(random, 1.5, 5));
    }

    /** Looks down 20-35 degrees at the floor where the objects stand, from a little over a metre away. */
    private static Camera camera(Random random) {
        float pitch = uniform(random, 20, 35);
        float yaw = uniform(random, -8, 8);
        float distance = uniform(random, 1.15, 1.45);
        float tx = uniform(random, -0.04, 0.04);
        float ty = 0.08f;
        float tz = uniform(random, -0.04, 0.04);
        double p = Math.toRadians(pitch);
        double y = Math.toRadians(yaw);
        float fx = (float) (StrictMath.sin(y) * StrictMath.cos(p));
        float fy = (float) -StrictMath.sin(p);
        float fz = (float) (StrictMath.cos(y) * StrictMath.cos(p));
        return new Camera(
                tx - fx * distance,
                ty - fy * distance,
                tz - fz * distance,
                yaw,
                pitch,
                uniform(random, -2, 2),
                uniform(random, 32, 36));
    }

    private static float uniform(Random random, double lo, double hi) {
        return (float) (lo + (hi - lo) * random.nextDouble());
    }
}
