package dev.edgevl.sync;

/**
 * A message decoded as a SensorFrame but cannot be paired as it is (wrong topic, wrong key, impossible size...).
 * Its message says what is wrong and what the producer should do; it travels to the dead-letter topic in a header.
 */
public class InvalidFrameException extends RuntimeException {
    public InvalidFrameException(String message) {
        super(message);
    }
}
