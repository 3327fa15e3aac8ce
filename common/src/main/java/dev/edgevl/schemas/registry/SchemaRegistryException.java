package dev.edgevl.schemas.registry;

import java.net.ConnectException;
import java.net.URI;

/**
 * A schema registry call that did not succeed. {@link #httpStatus()} is -1 when no HTTP answer came
 * back at all; {@link #errorCode()} is the registry's own {@code error_code}, or -1 when it sent none.
 */
public class SchemaRegistryException extends RuntimeException {

    public static final int NO_STATUS = -1;
    public static final int NO_ERROR_CODE = -1;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;
    private final URI url;
    private final String registryMessage;

    public SchemaRegistryException(
            String message, int httpStatus, int errorCode, URI url, String registryMessage, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.url = url;
        this.registryMessage = registryMessage;
    }

    /** The registry answered with an error status; the message explains it for an operator. */
    static SchemaRegistryException rejected(String method, URI url, int status, int errorCode, String registryMessage) {
        String code = errorCode == NO_ERROR_CODE ? "" : ", error_code " + errorCode;
        String said = registryMessage == null || registryMessage.isBlank()
                ? ""
                : ": " + registryMessage.strip().replaceAll("\\.+$", "");
        String message = "Schema registry answered " + method + " " + url + " with HTTP " + status + code + said + ". "
                + hint(status, errorCode);
        return new SchemaRegistryException(message.strip(), status, errorCode, url, registryMessage, null);
    }

    /** The reply was 2xx but not what the API promises, e.g. a proxy page or a non-Avro schema. */
    static SchemaRegistryException unexpected(String method, URI url, int status, String what, Throwable cause) {
        String message = "Schema registry answered " + method + " " + url + " with HTTP " + status
                + " but " + what + "; check that registry.url points at a Confluent-compatible API"
                + " (for Apicurio it ends in /apis/ccompat/v7).";
        return new SchemaRegistryException(message, status, NO_ERROR_CODE, url, null, cause);
    }

    /** The registry holds something this client does not read, such as a Protobuf schema. */
    static SchemaRegistryException unsupported(String method, URI url, int status, String what) {
        return new SchemaRegistryException(
                "Schema registry answered " + method + " " + url + " with " + what
                        + "; this client reads self-contained Avro schemas only.",
                status,
                NO_ERROR_CODE,
                url,
                null,
                null);
    }

    /** No HTTP answer came back from any URL, even after the retries. */
    static SchemaRegistryException unreachable(String method, URI lastUrl, int attempts, Throwable cause) {
        String message = "Could not reach the schema registry for " + method + " " + lastUrl + " after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " (last error: " + describe(cause)
                + "); check registry.url and that the registry is running and reachable from here.";
        return new SchemaRegistryException(message, NO_STATUS, NO_ERROR_CODE, lastUrl, null, cause);
    }

    static SchemaRegistryException interrupted(String method, URI url, InterruptedException cause) {
        return new SchemaRegistryException(
                "Interrupted while calling the schema registry for " + method + " " + url
                        + "; the thread is being shut down.",
                NO_STATUS,
                NO_ERROR_CODE,
                url,
                null,
                cause);
    }

    /**
     * The JDK's HTTP client often throws an exception without a message whose cause has one; a
     * refused connection has no message anywhere in the chain.
     */
    static String describe(Throwable error) {
        String text = null;
        for (Throwable t = error; t != null && text == null; t = t.getCause()) {
            text = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
        }
        if (text == null && error instanceof ConnectException) {
            text = "could not connect";
        }
        return error.getClass().getSimpleName() + (text == null ? "" : ": " + text);
    }

    private static String hint(int status, int errorCode) {
        return switch (errorCode) {
            case SUBJECT_NOT_FOUND ->
                "The subject does not exist; check the subject name or register a schema under it first.";
            case VERSION_NOT_FOUND -> "The subject has no such version.";
            case SCHEMA_NOT_FOUND ->
                "The registry has no such schema; the data may have been written against"
                        + " another registry, or the schema was never registered under this subject.";
            case INCOMPATIBLE_SCHEMA ->
                "The schema breaks the subject's compatibility level; evolve it compatibly"
                        + " (for example add fields with defaults) or change the subject's level on purpose.";
            case INVALID_SCHEMA -> "The registry could not accept the schema text.";
            case INVALID_COMPATIBILITY_LEVEL -> "The registry does not know that compatibility level.";
            default -> hint(status);
        };
    }

    private static String hint(int status) {
        if (status == 401 || status == 403) {
            return "Check registry.basic-auth.user-info or registry.bearer-token.";
        }
        if (status == 404) {
            return "Check that registry.url points at a Confluent-compatible API"
                    + " (for Apicurio it ends in /apis/ccompat/v7).";
        }
        if (status >= 500 || status == 408 || status == 429) {
            return "The registry kept failing after all retries; check its health.";
        }
        return "";
    }

    /** The HTTP status the registry answered with, or {@link #NO_STATUS} when it could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The URL of the last attempt. */
    public URI url() {
        return url;
    }

    /** What the registry itself said ({@code message}), or null. */
    public String registryMessage() {
        return registryMessage;
    }
}
