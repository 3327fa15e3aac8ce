package dev.edgevl.teacher.requests;

/** A request that decodes but that the teacher cannot embed; the message says why, for the dead-letter header. */
public class UnusableRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnusableRequestException(String message) {
        super(message);
    }

    public UnusableRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
