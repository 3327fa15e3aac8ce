package dev.edgevl.model.teacher;

/** The one informative line of a native library's error, for messages a person reads. */
final class ErrorText {

    private static final String TORCHSCRIPT_CAUSE = "RuntimeError: ";

    private ErrorText() {}

    /**
     * TorchScript reports a failure inside a scripted method as a header and a serialized-code
     * traceback, with the actual reason on the last {@code RuntimeError:} line; other errors are
     * one line already.
     */
    static String summary(Throwable e) {
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        int cause = message.lastIndexOf(TORCHSCRIPT_CAUSE);
        if (cause >= 0) {
            message = message.substring(cause + TORCHSCRIPT_CAUSE.length());
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
