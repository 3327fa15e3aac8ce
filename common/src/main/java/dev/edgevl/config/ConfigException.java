package dev.edgevl.config;

/** A setting is missing or has a value that cannot be used; the message names the setting and where it came from. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
