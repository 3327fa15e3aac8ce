package dev.edgevl.cli;

import dev.edgevl.avro.ModelVersion;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.KafkaModelPublisher;
import dev.edgevl.distill.ModelCatalog;
import dev.edgevl.distill.Republisher;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Rollouts;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "The student versions the distiller made: list them, show one, make one live. The history is the distiller's",
            "catalogue in distill.store.dir (or --store); the live version is the latest record of its family on models."
        },
        subcommands = {
            ModelsCommand.ListVersions.class,
            ModelsCommand.Show.class,
            ModelsCommand.Promote.class,
            ModelsCommand.Rollback.class,
            HelpCommand.class
        })
final class ModelsCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Where the versions are: the cluster and the distiller's store. */
    static final class Where {
        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Option(
                names = "--store",
                paramLabel = "DIR",
                description = "The distiller's model store. Default: the distill.store.dir setting.")
        Path store;

        @Option(
                names = "--family",
                paramLabel = "NAME",
                description = "Model family. Default: the distill.family setting.")
        String family;

        DistillerConfig config() {
            DistillerConfig c = DistillerConfig.from(cluster.settings());
            return store == null ? c : c.withStoreDir(store);
        }

        String family() {
            return family != null ? family : config().family();
        }

        ModelCatalog catalog() {
            return ModelCatalog.in(config().storeDir());
        }

        /** The live record of the family, if the models topic has one. */
        ModelVersion live() throws Exception {
            return records().get(family());
        }

        /** The family's fleet-wide and canary records on models, by key. */
        Map<String, ModelVersion> records() throws Exception {
            return CompactedTopics.read(cluster, Topics.MODELS, TIMEOUT);
        }

        ModelVersion republish(long version) throws Exception {
            return withRepublisher(r -> r.republish(family(), version, inline(), Instant.now()));
        }

        ModelVersion canary(long version, Set<String> devices, long fleetVersion) throws Exception {
            return withRepublisher(r -> r.canary(
                    family(),
                    version,
                    inline(),
                    Instant.now(),
                    devices,
                    config().rollout().share(),
                    fleetVersion));
        }

        private boolean inline() {
            return config().delivery() == DistillerConfig.Delivery.INLINE;
        }

        private interface Publication {
            ModelVersion publish(Republisher republisher) throws Exception;
        }

        private ModelVersion withRepublisher(Publication publication) throws Exception {
            Settings settings = cluster.settings();
            try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                    KafkaModelPublisher publisher = new KafkaModelPublisher(
                            KafkaSettings.clientProperties(settings, cluster.bootstrap), serdes)) {
                return publication.publish(
                        new Republisher(catalog(), new DirectoryModelStore(config().storeDir()), publisher));
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Every version in the catalogue, oldest first; * marks the fleet-wide version, c a canary running now.",
                "Then the rollout state: the running canary, or how the last one ended, and why."
            })
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<ModelVersion> all = where.catalog().list(where.family());
            Map<String, ModelVersion> records = where.records();
            ModelVersion live = records.get(where.family());
            ModelVersion canary = records.get(Rollouts.canaryKey(where.family()));
            boolean canaryRuns = Rollouts.isActiveCanary(canary);
            if (all.isEmpty()) {
                out.printf(
                        "No %s versions in %s yet.%n",
                        where.family(), where.catalog().directory());
            } else {
                Table table = new Table(
                        "",
                        "version",
                        "parent",
                        "created",
                        "gate",
                        "non-RGB agreement",
                        "live's",
                        "v0's",
                        "pairs",
                        "size",
                        "sha256");
                for (ModelVersion v : all) {
                    Map<String, Double> m = v.getMetrics();
                    table.row(
                            live != null && live.getVersion() == v.getVersion()
                                    ? "*"
                                    : canaryRuns && canary.getVersion() == v.getVersion() ? "c" : "",
                            "v" + v.getVersion(),
                            v.getParentVersion() == null ? "-" : "v" + v.getParentVersion(),
                            v.getCreatedTime(),
                            m.getOrDefault("gate.promoted", 0.0) == 1.0 ? "promoted" : "kept back",
                            figure(m.get("gate.nonRgbAgreement")),
                            figure(m.get("gate.liveNonRgbAgreement")),
                            figure(m.get("gate.vsV0.other")),
                            figure(m.getOrDefault("gate.pairs", m.get("gate.heldOut"))),
                            v.getBundleSizeBytes() / 1024 + " kB",
                            v.getSha256().substring(0, 12));
                }
                table.print(out);
            }
            if (live != null && live.getMetrics().containsKey("rollback.from")) {
                Map<String, Double> m = live.getMetrics();
                out.printf(
                        "v%d is live again: the backstop rolled back v%.0f, which agreed with the teacher on %.3f of the"
                                + " %.0f newest pairs it never trained on against %.3f for v0.%n",
                        live.getVersion(),
                        m.get("rollback.from"),
                        m.getOrDefault("rollback.fromAgreement", Double.NaN),
                        m.getOrDefault("rollback.pairs", Double.NaN),
                        m.getOrDefault("rollback.v0Agreement", Double.NaN));
            }
            if (canary != null && canary.getRollout() != null) {
                out.printf(
                        "Rollout: v%d, %s, %s %s%s.%n",
                        canary.getVersion(),
                        Rollouts.describe(canary.getRollout()),
                        canaryRuns ? "since" : "ended",
                        canaryRuns ? canary.getRollout().getStartedTime() : canary.getPublishedTime(),
                        canary.getRollout().getReason() == null
                                ? ""
                                : ": " + canary.getRollout().getReason());
            }
            if (live == null) {
                out.printf("Nothing of %s is live on %s.%n", where.family(), Topics.MODELS.name());
            } else if (all.stream().noneMatch(v -> v.getVersion() == live.getVersion())) {
                out.printf("The live version v%d is not in this catalogue (another store?).%n", live.getVersion());
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Everything about one version: its record and all its metrics.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(paramLabel = "VERSION", description = "The version number (3 or v3).")
        String version;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            long number = number(spec, version);
            ModelVersion v = where.catalog()
                    .get(where.family(), number)
                    .orElseThrow(() -> new ParameterException(
                            spec.commandLine(),
                            "There is no " + where.family() + " v" + number + " in "
                                    + where.catalog().directory() + "."));
            ModelVersion live = where.live();
            out.printf(
                    "%s v%d%s%n",
                    v.getFamily(), v.getVersion(), live != null && live.getVersion() == number ? " (live)" : "");
            Table table = new Table("field", "value");
            table.row("parent", v.getParentVersion() == null ? "-" : "v" + v.getParentVersion());
            table.row("teacher", v.getTeacherId());
            table.row("input", v.getInputWidth() + "x" + v.getInputHeight());
            table.row("embedding size", v.getEmbeddingDim());
            table.row("label set", v.getLabelSetHash() == null ? "-" : v.getLabelSetHash());
            table.row("sha256", v.getSha256());
            table.row("signed by", v.getSigningKeyId());
            table.row("size", v.getBundleSizeBytes() + " bytes");
            table.row("created", v.getCreatedTime());
            table.row("published", v.getPublishedTime());
            new TreeMap<>(v.getMetrics()).forEach((name, value) -> table.row(name, figure(value)));
            table.print(out);
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = {
                "Make a version live, typically one the gate kept back: republishes its signed record to models.",
                "With --canary it goes to a canary first (distill.rollout.canary-share of the devices on fleet.status, by",
                "a stable hash of their ids); the running distiller makes it fleet-wide or rolls it back."
            })
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(paramLabel = "VERSION", description = "The version number (3 or v3).")
        String version;

        @Option(
                names = "--canary",
                description = "Run it on a canary share of the devices first, the others staying on the live version.")
        boolean canary;

        @Override
        public Integer call() throws Exception {
            long number = number(spec, version);
            if (!canary) {
                return publish(spec, where, number, "promoted");
            }
            ModelVersion live = where.live();
            if (live == null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Nothing of " + where.family() + " is live: a canary needs a fleet-wide"
                                + " version for the other devices. Promote without --canary.");
            }
            Set<String> devices = CompactedTopics.read(where.cluster, Topics.FLEET_STATUS, TIMEOUT)
                    .keySet();
            ModelVersion record;
            try {
                record = where.canary(number, devices, live.getVersion());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "Published %s v%d as a %s (sha256 %s…); the distiller judges it there and makes it fleet-wide or"
                            + " rolls it back ('edgevl models list' shows where it stands).%n",
                    record.getFamily(),
                    record.getVersion(),
                    Rollouts.describe(record.getRollout()),
                    record.getSha256().substring(0, 12));
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description =
                    "Make an earlier version live again: republishes its signed record to models; the job and the devices swap to it.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Option(
                names = "--to",
                required = true,
                paramLabel = "VERSION",
                description = "The earlier version number (3 or v3).")
        String to;

        @Override
        public Integer call() throws Exception {
            long number = number(spec, to);
            ModelVersion live = where.live();
            if (live != null && number >= live.getVersion()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "v" + number + " is not earlier than the live v" + live.getVersion()
                                + "; use 'edgevl models promote " + number + "' to make a later version live.");
            }
            return publish(spec, where, number, "rolled back to");
        }
    }

    private static int publish(CommandSpec spec, Where where, long number, String verb) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelVersion record;
        try {
            record = where.republish(number);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.printf(
                "%s %s v%d: published to %s (sha256 %s…); the stream job and the devices swap to it.%n",
                capitalized(verb),
                record.getFamily(),
                record.getVersion(),
                Topics.MODELS.name(),
                record.getSha256().substring(0, 12));
        out.flush();
        return 0;
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static long number(CommandSpec spec, String text) {
        String digits = text.startsWith("v") || text.startsWith("V") ? text.substring(1) : text;
        try {
            long n = Long.parseLong(digits);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(), "A version is a number from 1 (3 or v3), not '" + text + "'.");
        }
    }

    private static String figure(Double value) {
        if (value == null) {
            return "-";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e18
                ? Long.toString(value.longValue())
                : String.format("%.3f", value);
    }
}
