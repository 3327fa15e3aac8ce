package dev.edgevl.cli;

import dev.edgevl.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code edgevl} command. Subcommands only wire; the work lives in the modules. */
@Command(
        name = "edgevl",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description =
                "Keeps a tiny int8 vision-language student aligned to a large teacher across sensor modalities, continuously.",
        subcommands = {
            LocalCommand.class,
            ConsoleCommand.class,
            KafkaCommand.class,
            TopicsCommand.class,
            SchemasCommand.class,
            SimCommand.class,
            SimulateCommand.class,
            AgentCommand.class,
            IngestCommand.class,
            InferCommand.class,
            WatchCommand.class,
            BenchCommand.class,
            EvalCommand.class,
            TeacherCommand.class,
            LabelsCommand.class,
            DistillCommand.class,
            ModelsCommand.class,
            SettingsCommand.class,
            HelpCommand.class
        })
public final class Edgevl implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        NativeLogs.apply(); // before any native library (libtorch, ONNX Runtime) is loaded
        System.exit(commandLine().execute(args));
    }

    /** The command line with the project's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Edgevl());
        cli.setExecutionExceptionHandler(Edgevl::handle);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Known failures are told in a sentence, not a stack trace. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof ConfigException
                || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException) {
            err.println(cli.getColorScheme().errorText("edgevl " + cli.getCommandName() + ": " + e.getMessage()));
            return 2;
        }
        err.println(cli.getColorScheme().errorText("edgevl " + cli.getCommandName() + " failed: " + e));
        e.printStackTrace(err);
        return 1;
    }
}
