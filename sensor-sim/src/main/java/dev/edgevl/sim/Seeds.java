package dev.edgevl.sim;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent seeds from a parent seed and a path of names or numbers, so that any scene or
 * frame of the world can be reproduced on its own, in any order, on any JVM.
 *
 * <p>String parts are hashed with FNV-1a over their UTF-8 bytes rather than {@code String.hashCode()},
 * whose 32 bits collide too easily across device and sensor ids; everything is then mixed with the
 * SplitMix64 finaliser so that neighbouring inputs (scene 7 and scene 8) give unrelated seeds.
 */
public final class Seeds {

    private Seeds() {}

    public static long derive(long seed, String part) {
        long h = 0xcbf29ce484222325L;
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(seed ^ mix(h));
    }

    public static long derive(long seed, long part) {
        return mix(seed ^ mix(part + 0x9e3779b97f4a7c15L));
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
