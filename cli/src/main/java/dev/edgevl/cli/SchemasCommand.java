package dev.edgevl.cli;

import dev.edgevl.config.Settings;
import dev.edgevl.schemas.registry.CatalogueSchemas;
import dev.edgevl.schemas.registry.CompatibilityLevel;
import dev.edgevl.schemas.registry.RegistryConfig;
import dev.edgevl.schemas.registry.SchemaRegistryClient;
import dev.edgevl.schemas.serde.KnownSchemas;
import dev.edgevl.schemas.serde.RecordTypes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "schemas",
        mixinStandardHelpOptions = true,
        description = "The Avro contract: list the record schemas, print one, or register them in a schema registry.",
        subcommands = {SchemasCommand.ListSchemas.class, SchemasCommand.Show.class, SchemasCommand.Register.class})
final class SchemasCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the record types with their single-object fingerprints and the topics that carry them.")
    static final class ListSchemas implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Table table = new Table("RECORD", "FINGERPRINT", "TOPICS");
            for (Class<? extends SpecificRecord> type : RecordTypes.ALL) {
                Schema schema = RecordTypes.schemaOf(type);
                String topics = String.join(
                        ", ",
                        Topics.ALL.stream()
                                .filter(t -> t.valueType() == type)
                                .map(Topic::name)
                                .toList());
                table.row(schema.getFullName(), String.format("%016x", KnownSchemas.fingerprint(schema)), topics);
            }
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one record's Avro schema as JSON.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RECORD", description = "Record name, e.g. SensorFrame.")
        String name;

        @Override
        public Integer call() {
            Class<? extends SpecificRecord> type = RecordTypes.ALL.stream()
                    .filter(t -> t.getSimpleName().equalsIgnoreCase(name)
                            || t.getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "No record called " + name + "; 'edgevl schemas list' shows them."));
            spec.commandLine().getOut().println(RecordTypes.schemaOf(type).toString(true));
            return 0;
        }
    }

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = {
                "Register the value schema of every catalogue topic under <topic>-value in a schema registry,",
                "after checking compatibility. For registries where producers may not register (registry.auto-register=false)."
            })
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(
                names = "--registry",
                paramLabel = "URL",
                description = "Registry base URL. Default: the registry.url setting.")
        String registryUrl;

        @Option(
                names = "--compatibility",
                paramLabel = "LEVEL",
                description = "Also set each subject's compatibility level (e.g. BACKWARD, FULL_TRANSITIVE).")
        CompatibilityLevel compatibility;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Settings settings = registryUrl == null
                    ? config.settings()
                    : config.settings().with(RegistryConfig.URL.key(), registryUrl);
            List<CatalogueSchemas.Outcome> outcomes;
            try (SchemaRegistryClient registry =
                    new SchemaRegistryClient(RegistryConfig.from(settings, "(or pass --registry)"))) {
                outcomes = CatalogueSchemas.register(registry, Optional.ofNullable(compatibility));
            }
            Table table = new Table("SUBJECT", "ID", "RESULT");
            outcomes.forEach(o -> table.row(
                    o.subject(),
                    o.id().map(String::valueOf).orElse("-"),
                    o.refusal().map(r -> "REFUSED: " + r).orElse("registered")));
            table.print(out);
            long refused = outcomes.stream().filter(o -> !o.registered()).count();
            if (refused > 0) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%d subject(s) refused the current schema; see docs/contract.md on evolving a schema.%n",
                                refused);
                return 3;
            }
            return 0;
        }
    }
}
