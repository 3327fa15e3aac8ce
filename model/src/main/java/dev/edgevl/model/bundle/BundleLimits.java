package dev.edgevl.model.bundle;

/**
 * How much a reader accepts before it refuses a bundle as {@link BundleException.Reason#TOO_LARGE}. The limits are
 * checked while bytes are read, so a hostile zip (a deflate bomb, thousands of entries) costs at most these amounts of
 * memory, never more.
 *
 * @param maxBundleBytes   the bundle file itself
 * @param maxUnpackedBytes all files in the bundle together, after inflating
 * @param maxFiles         files in the bundle besides the manifest
 */
public record BundleLimits(long maxBundleBytes, long maxUnpackedBytes, int maxFiles) {
    /** Far above a distilled student (a few MB at int8) and below what one Java byte array can hold. */
    public static final BundleLimits DEFAULT = new BundleLimits(256L << 20, 512L << 20, 64);

    /** The manifest is a small JSON document; anything bigger is not one of ours. */
    static final int MAX_MANIFEST_BYTES = 1 << 20;

    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public BundleLimits {
        if (maxBundleBytes <= 0 || maxBundleBytes > MAX_ARRAY) {
            throw new IllegalArgumentException(
                    "maxBundleBytes must be between 1 and " + MAX_ARRAY + ", not " + maxBundleBytes);
        }
        if (maxUnpackedBytes <= 0) {
            throw new IllegalArgumentException("maxUnpackedBytes must be positive, not " + maxUnpackedBytes);
        }
        if (maxFiles <= 0) {
            throw new IllegalArgumentException("maxFiles must be positive, not " + maxFiles);
        }
    }
}
