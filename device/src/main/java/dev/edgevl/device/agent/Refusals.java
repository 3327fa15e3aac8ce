package dev.edgevl.device.agent;

import dev.edgevl.model.bundle.BundleException;

/** Why a device refused a model, in the few words a status line and a log line have room for. */
final class Refusals {
    private Refusals() {}

    static String why(BundleException e) {
        return switch (e.reason()) {
            case UNSIGNED -> "it is not signed";
            case UNKNOWN_KEY -> "its signature does not match any trusted key";
            case BAD_SIGNATURE -> "its signature does not match the bundle (altered after signing)";
            case DIGEST_MISMATCH -> "its bytes do not match their SHA-256 (damaged or tampered with)";
            case RECORD_MISMATCH -> "the record does not match its signed bundle";
            case CORRUPT -> "the bundle cannot be read";
            case UNSUPPORTED_FORMAT -> "the bundle is in a format this agent does not know";
            case TOO_LARGE -> "the bundle is over the size limit";
            case UNAVAILABLE -> "the bundle could not be fetched";
        };
    }

    /** A failure that is not the verifier's: the model verified but would not load or run here. */
    static String why(RuntimeException e) {
        if (e instanceof BundleException b) {
            return why(b);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "it does not load here (" + message + ")";
    }
}
