/**
 * The signed model bundle: what the distiller publishes and what the stream job and the device agents load and
 * hot-swap.
 *
 * <p>A bundle is one zip file (chosen because every language and an operator's {@code unzip -l} can read it):
 * {@code manifest.json} first, then the model file(s) and any extra files, flat names in byte order, every entry
 * STORED (not deflated) with the timestamp fixed at 2000-01-01 00:00 and no extra fields. STORED keeps the bytes
 * independent of the zlib build, so the same content gives the same bundle and the same SHA-256 on every machine;
 * int8 weights hardly compress anyway. The manifest lists the SHA-256 of every other entry.
 *
 * <p>The signature is kept outside the bundle: an Ed25519 signature over the 32-byte SHA-256 of the whole bundle,
 * carried with the key id in the {@code models} record ({@link dev.edgevl.avro.ModelVersion}). A consumer checks the
 * digest, the key and the signature before it opens the zip ({@link dev.edgevl.model.bundle.BundleVerifier}); every
 * refusal is a {@link dev.edgevl.model.bundle.BundleException}, so "refuse it and keep the running model" is one
 * catch block.
 */
package dev.edgevl.model.bundle;
