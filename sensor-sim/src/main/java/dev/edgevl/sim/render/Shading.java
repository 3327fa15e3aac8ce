package dev.edgevl.sim.render;

import dev.edgevl.sim.world.Environment;
import dev.edgevl.sim.world.Lighting;
import dev.edgevl.sim.world.Material;

/**
 * Light and heat for one scene: the radiance a surface sends to the camera (diffuse under a sky-like
 * ambient plus a shadowing key light, specular for glossy and metal finishes, a crude environment
 * reflection for metal) and the temperature a thermal camera would read off it.
 *
 * <p>The thermal model is linearised around room temperature: apparent = e·T + (1 - e)·T_reflected,
 * with an emissivity e that falls at grazing angles, and surfaces warmed by the key light in proportion
 * to how squarely and how darkly they face it. That is what makes shapes readable in thermal even when
 * an object is at room temperature: its lit side, its rim and its shadow on the floor all show.
 */
final class Shading {

    private static final float SHADOW_SHARPNESS = 10f;
    private static final float FLOOR_EMISSIVITY = 0.93f;
    private static final float WALL_EMISSIVITY = 0.92f;
    /** Up-facing surfaces mirror the ceiling or sky, a few kelvin below the room. */
    private static final float SKY_DEFICIT_K = 3f;

    private final float lx;
    private final float ly;
    private final float lz;
    private final float keyR;
    private final float keyG;
    private final float keyB;
    private final float key;
    private final float ambient;
    private final float heatK;
    private final float ambientK;
    private final float floorTone;
    private final float wallR;
    private final float wallG;
    private final float wallB;
    private final PlacedObject[] objects;
    private final int count;

    Shading(Lighting light, Environment env, PlacedObject[] objects, int count) {
        this.lx = light.dirX();
        this.ly = light.dirY();
        this.lz = light.dirZ();
        this.key = light.key();
        this.keyR = light.key() * light.tint().r();
        this.keyG = light.key() * light.tint().g();
        this.keyB = light.key() * light.tint().b();
        this.ambient = light.ambient();
        this.heatK = light.sunHeatingK();
        this.ambientK = env.ambientK();
        this.floorTone = env.floorTone();
        this.wallR = env.wall().r();
        this.wallG = env.wall().g();
        this.wallB = env.wall().b();
        this.objects = objects;
        this.count = count;
    }

    /** Shades an object hit; writes radiance at {@code rgb[3·pixel]} and returns the apparent temperature. */
    float object(
            PlacedObject o,
            float px,
            float py,
            float pz,
            float[] n,
            float dx,
            float dy,
            float dz,
            float[] rgb,
            int pixel) {
        float nx = n[0];
        float ny = n[1];
        float nz = n[2];
        float ndl = nx * lx + ny * ly + nz * lz;
        float light = 0f;
        if (ndl > 0f) {
            light = ndl * shadow(px + nx * 0.002f, py + ny * 0.002f, pz + nz * 0.002f);
        }
        Material mat = o.material;
        float sky = ambient * (0.55f + 0.45f * ny);
        float diffR = mat.diffuse() * o.red * (sky + keyR * light);
        float diffG = mat.diffuse() * o.green * (sky + keyG * light);
        float diffB = mat.diffuse() * o.blue * (sky + keyB * light);

        float ndv = -(nx * dx + ny * dy + nz * dz);
        float spec = 0f;
        if (light > 0f && mat.specular() > 0f) {
            float hx = lx - dx;
            float hy = ly - dy;
            float hz = lz - dz;
            float hl = (float) Math.sqrt(hx * hx + hy * hy + hz * hz);
            float ndh = Math.max(0f, (nx * hx + ny * hy + nz * hz) / hl);
            spec = mat.specular() * light * power(ndh, (int) mat.shininess()) * (mat.shininess() + 8f) / 24f;
        }
        // what the mirror direction sees: bright wall/sky above the horizon, the floor below it
        float ry = dy + 2f * ndv * ny;
        float envR;
        float envG;
        float envB;
        if (ry > 0f) {
            float k = ambient * 1.6f + 0.25f * key;
            envR = wallR * k;
            envG = wallG * k;
            envB = wallB * k;
        } else {
            float k = floorTone * (ambient + key * Math.max(ly, 0f));
            envR = k;
            envG = k;
            envB = k;
        }
        int at = 3 * pixel;
        if (mat == Material.METAL) {
            rgb[at] = diffR + o.red * (spec * keyR + 0.7f * envR);
            rgb[at + 1] = diffG + o.green * (spec * keyG + 0.7f * envG);
            rgb[at + 2] = diffB + o.blue * (spec * keyB + 0.7f * envB);
        } else {
            float c = 1f - Math.max(ndv, 0f);
            float fresnel = mat.specular() * (0.04f + 0.5f * c * c * c * c * c);
            rgb[at] = diffR + spec * keyR + fresnel * envR;
            rgb[at + 1] = diffG + spec * keyG + fresnel * envG;
            rgb[at + 2] = diffB + spec * keyB + fresnel * envB;
        }

        float darkness = 1f - Math.min(1f, (o.red + o.green + o.blue) / 3f);
        float surfaceK = o.temperatureK + heatK * 0.8f * darkness * light * key;
        float reflectedK = ambientK - SKY_DEFICIT_K * Math.max(ny, 0f);
        return apparent(mat.emissivity(), Math.abs(ndv), surfaceK, reflectedK);
    }

    float floor(float px, float pz, float dy, float[] rgb, int pixel) {
        float light = ly > 0f ? ly * shadow(px, 0.0005f, pz) : 0f;
        float occlusion = 0f;
        for (int i = 0; i < count; i++) {
            occlusion += objects[i].floorOcclusion(px, pz);
        }
        float ao = 1f - Math.min(0.85f, occlusion);
        float tone = floorTone * (1f + 0.05f * tile(px, pz));
        int at = 3 * pixel;
        rgb[at] = tone * (ambient * ao + keyR * light);
        rgb[at + 1] = tone * (ambient * ao + keyG * light);
        rgb[at + 2] = tone * (ambient * ao + keyB * light);
        float surfaceK = ambientK + heatK * (1f - 0.6f * tone) * light * key - 0.4f * (1f - ao);
        return apparent(FLOOR_EMISSIVITY, Math.abs(dy), surfaceK, ambientK - SKY_DEFICIT_K);
    }

    float wall(float py, float dz, float[] rgb, int pixel) {
        float ndl = Math.max(0f, -lz);
        float corner = 1f - 0.35f / (1f + py * (6f + 18f * py));
        int at = 3 * pixel;
        float sky = ambient * 0.9f * corner;
        rgb[at] = wallR * (sky + keyR * ndl);
        rgb[at + 1] = wallG * (sky + keyG * ndl);
        rgb[at + 2] = wallB * (sky + keyB * ndl);
        float surfaceK = ambientK + 0.5f + 0.3f * heatK * ndl * key;
        return apparent(WALL_EMISSIVITY, Math.abs(dz), surfaceK, ambientK);
    }

    /** Product of every object's transmittance towards the key light from world point p. */
    private float shadow(float px, float py, float pz) {
        float t = 1f;
        for (int i = 0; i < count && t > 0f; i++) {
            t = Math.min(t, objects[i].transmittance(px, py, pz, lx, ly, lz, SHADOW_SHARPNESS));
        }
        // smoothstep: penumbrae that fade in rather than in a straight ramp
        return t * t * (3f - 2f * t);
    }

    /** Radiometric temperature of a grey body, with emissivity falling off towards grazing angles. */
    private static float apparent(float emissivity, float cosView, float surfaceK, float reflectedK) {
        float g = 1f - cosView;
        float g2 = g * g;
        float e = emissivity * (1f - 0.7f * g2 * g2);
        return e * surfaceK + (1f - e) * reflectedK;
    }

    /** x^n by squaring: exact on every JVM, unlike Math.pow, which may be an intrinsic. */
    private static float power(float x, int n) {
        float result = 1f;
        float base = x;
        for (int e = n; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }

    /** A per-tile tone step in [-1, 1] so the floor reads as a floor and not as a flat fill. */
    private static float tile(float x, float z) {
        int ix = (int) Math.floor(x * 2f);
        int iz = (int) Math.floor(z * 2f);
        int h = ix * 73856093 ^ iz * 19349663;
        h ^= h >>> 13;
        h *= 0x5bd1e995;
        h ^= h >>> 15;
        return ((h & 0xffff) / 32767.5f) - 1f;
    }
}
