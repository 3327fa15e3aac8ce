package dev.edgevl.model.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Seeds for the parts of a training run (initialisation, shuffles, calibration picks), derived from the run's seed and
 * the part's name, so each part is reproducible on its own and changing one part's draws leaves the others alone.
 * The first eight bytes of SHA-256 over the seed and the part: unrelated seeds for neighbouring inputs, on every JVM.
 */
public final class RunSeeds {
    private RunSeeds() {}

    public static long derive(long seed, String part) {
        return digest(ByteBuffer.allocate(8).putLong(seed).array(), part.getBytes(StandardCharsets.UTF_8));
    }

    public static long derive(long seed, long part) {
        return digest(ByteBuffer.allocate(16).putLong(seed).putLong(part).array(), new byte[0]);
    }

    private static long digest(byte[] head, byte[] tail) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(head);
            sha.update(tail);
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }
}
