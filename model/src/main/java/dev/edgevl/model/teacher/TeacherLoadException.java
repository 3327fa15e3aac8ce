package dev.edgevl.model.teacher;

/** A teacher could not be loaded; the message says what was wrong and what to do about it. */
public class TeacherLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TeacherLoadException(String message) {
        super(message);
    }

    public TeacherLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
