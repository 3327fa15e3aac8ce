package dev.edgevl.teacher.labels;

/** A label event that decodes but cannot be applied; the message says why, for the dead-letter header. */
public class UnusableLabelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnusableLabelException(String message) {
        super(message);
    }
}
