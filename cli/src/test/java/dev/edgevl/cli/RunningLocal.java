package dev.edgevl.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** {@code edgevl local} started in this JVM for a test: the command, what it prints, and its exit code once it ends. */
record RunningLocal(LocalCommand command, StringWriter out, CompletableFuture<Integer> exit) {
    static RunningLocal start(String... args) {
        LocalCommand local = new LocalCommand();
        CommandLine cli = new CommandLine(local);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        return new RunningLocal(local, out, CompletableFuture.supplyAsync(() -> cli.execute(args)));
    }
}
