package dev.edgevl.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * Keeps what native libraries write straight to the process's standard error off the terminal. libtorch prints
 * "Could not initialize NNPACK! Reason: Unsupported hardware." for every small convolution on CPUs NNPACK does not
 * support (a thousand lines a minute in {@code edgevl local}, through the live view), and its environment variable
 * {@code TORCH_CPP_LOG_LEVEL} is only read by Python's torch. So before anything loads a native library, file
 * descriptor 2 is pointed elsewhere and Java's own {@link System#err} keeps the real standard error: every log line
 * and message of ours still shows, native chatter does not.
 *
 * <p>{@value #ENV} (or {@code -D}{@value #PROPERTY}) says where native output goes: {@code off} (the default) drops
 * it, {@code on} leaves standard error as it is, anything else is a file it is appended to. Where the C library
 * cannot be reached (Windows), nothing changes.
 */
final class NativeLogs {
    static final String ENV = "EDGEVL_NATIVE_LOGS";
    static final String PROPERTY = "edgevl.native-logs";
    private static final int STDERR = 2;

    /** Where native output goes. */
    sealed interface Target permits Dropped, Kept, AppendedTo {}

    record Dropped() implements Target {}

    record Kept() implements Target {}

    record AppendedTo(String file) implements Target {}

    /** The C library calls this needs, bound through JNA. */
    interface LibC extends Library {
        int dup(int fd);

        int dup2(int from, int to);

        Pointer fopen(String path, String mode);

        int fileno(Pointer stream);

        NativeLong write(int fd, byte[] bytes, NativeLong count);
    }

    private NativeLogs() {}

    /** The target the property, else the environment variable, asks for; {@code off} when neither is set. */
    static Target target(String property, String env) {
        String value = property != null && !property.isBlank() ? property.trim() : env == null ? "" : env.trim();
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "off", "false", "no", "0" -> new Dropped();
            case "on", "true", "yes", "1", "stderr" -> new Kept();
            default -> new AppendedTo(value);
        };
    }

    /** Applies {@value #ENV} / {@value #PROPERTY} to this process; call it first thing, before any native library loads. */
    static void apply() {
        Target target = target(System.getProperty(PROPERTY), System.getenv(ENV));
        if (target instanceof Kept || Platform.isWindows()) {
            return;
        }
        try {
            redirect(target instanceof AppendedTo file ? file.file() : "/dev/null");
        } catch (LinkageError | RuntimeException e) {
            // No C library to bind: native output stays where it is, which is only untidy.
        }
    }

    private static void redirect(String path) {
        LibC c = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        Pointer sink = c.fopen(path, "a");
        if (sink == null) {
            System.err.println("edgevl: cannot open " + path + " for native libraries' output (" + ENV
                    + "); it stays on standard error.");
            return;
        }
        int saved = c.dup(STDERR);
        if (saved < 0 || c.dup2(c.fileno(sink), STDERR) < 0) {
            return;
        }
        String encoding = System.getProperty("sun.stderr.encoding");
        Charset charset = encoding != null && Charset.isSupported(encoding)
                ? Charset.forName(encoding)
                : Charset.defaultCharset();
        System.setErr(new PrintStream(new BufferedOutputStream(new FdOutputStream(c, saved), 8192), true, charset));
    }

    /**
     * Writes to a file descriptor through the C library: the original standard error keeps its open file description,
     * so its offset stays shared with standard output when both go to one file ({@code > log 2>&1}).
     */
    private static final class FdOutputStream extends OutputStream {
        private final LibC c;
        private final int fd;

        FdOutputStream(LibC c, int fd) {
            this.c = c;
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            byte[] rest = offset == 0 && length == bytes.length
                    ? bytes
                    : java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            int done = 0;
            while (done < rest.length) {
                byte[] part = done == 0 ? rest : java.util.Arrays.copyOfRange(rest, done, rest.length);
                long n = c.write(fd, part, new NativeLong(part.length)).longValue();
                if (n <= 0) {
                    throw new IOException("cannot write to standard error (fd " + fd + ")");
                }
                done += (int) n;
            }
        }
    }
}
