package dev.edgevl.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's structure as rules over the compiled classes of every module (the reactor builds them before this
 * one): dependencies point one way, common ← model ← services ← eval, bench ← cli, no service uses another, and a
 * {@code *Test} never starts a broker or a cluster ({@code *IT} does, under failsafe).
 */
class ArchitectureTest {
    /** The modules whose classes the rules read; {@code cli} itself is the last. */
    private static final List<String> MODULES = List.of(
            "common",
            "kafka-embedded",
            "sensor-sim",
            "model",
            "frame-sync",
            "device",
            "stream-inference",
            "teacher-service",
            "distiller",
            "eval",
            "bench",
            "helm-chart",
            "cli");

    private static JavaClasses main;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        List<Path> mainDirs = new ArrayList<>();
        List<Path> testDirs = new ArrayList<>();
        for (String module : MODULES) {
            Path classes = root.resolve(module).resolve("target/classes");
            Path testClasses = root.resolve(module).resolve("target/test-classes");
            if (Files.isDirectory(classes) && !module.equals("helm-chart")) {
                mainDirs.add(classes);
            }
            if (Files.isDirectory(testClasses)) {
                testDirs.add(testClasses);
            }
        }
        assertThat(mainDirs)
                .as("compiled modules under %s (build the reactor first: ./mvnw -B verify)", root)
                .hasSize(MODULES.size() - 1);
        ClassFileImporter importer = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeJars());
        main = importer.importPaths(mainDirs);
        tests = importer.importPaths(testDirs);
    }

    @Test
    void dependenciesPointOneWayAndNoServiceUsesAnother() {
        ArchRule layers = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Common")
                .definedBy(
                        "dev.edgevl.avro..",
                        "dev.edgevl.config..",
                        "dev.edgevl.health..",
                        "dev.edgevl.schemas..",
                        "dev.edgevl.streams..")
                .layer("Embedded broker")
                .definedBy("dev.edgevl.kafka.embedded..")
                .layer("Simulator")
                .definedBy("dev.edgevl.sim..")
                .layer("Model")
                .definedBy("dev.edgevl.model..")
                .layer("Frame sync")
                .definedBy("dev.edgevl.sync..")
                .layer("Device")
                .definedBy("dev.edgevl.device..")
                .layer("Stream inference")
                .definedBy("dev.edgevl.inference..")
                .layer("Teacher service")
                .definedBy("dev.edgevl.teacher..")
                .layer("Distiller")
                .definedBy("dev.edgevl.distill..")
                .layer("Eval")
                .definedBy("dev.edgevl.eval..")
                .layer("Bench")
                .definedBy("dev.edgevl.bench..")
                .layer("CLI")
                .definedBy("dev.edgevl.cli..")
                .whereLayer("CLI")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Bench")
                .mayOnlyBeAccessedByLayers("CLI")
                .whereLayer("Eval")
                .mayOnlyBeAccessedByLayers("Bench", "CLI")
                .whereLayer("Frame sync")
                .mayOnlyBeAccessedByLayers("Eval", "Bench", "CLI")
                .whereLayer("Device")
                .mayOnlyBeAccessedByLayers("Eval", "Bench", "CLI")
                .whereLayer("Stream inference")
                .mayOnlyBeAccessedByLayers("Eval", "Bench", "CLI")
                .whereLayer("Teacher service")
                .mayOnlyBeAccessedByLayers("Eval", "Bench", "CLI")
                .whereLayer("Distiller")
                .mayOnlyBeAccessedByLayers("Eval", "Bench", "CLI")
                .whereLayer("Model")
                .mayOnlyBeAccessedByLayers(
                        "Frame sync",
                        "Device",
                        "Stream inference",
                        "Teacher service",
                        "Distiller",
                        "Eval",
                        "Bench",
                        "CLI")
                .whereLayer("Simulator")
                .mayOnlyBeAccessedByLayers("Device", "Eval", "Bench", "CLI")
                .whereLayer("Embedded broker")
                .mayOnlyBeAccessedByLayers("Bench", "CLI")
                .because("a newcomer should find each module's job in its name and its dependencies in one direction");
        layers.check(main);
        noClasses()
                .that()
                .resideInAPackage("dev.edgevl.sim..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.edgevl.avro..", "dev.edgevl.config..", "dev.edgevl.schemas..", "dev.edgevl.model..")
                .because("the synthetic world depends on nothing of ours")
                .check(main);
    }

    @Test
    void unitTestsNeverStartABrokerOrACluster() {
        Set<String> starters = Set.of(
                "dev.edgevl.kafka.embedded.EmbeddedKafka",
                "kafka.server.KafkaRaftServer",
                "org.apache.kafka.common.test.KafkaClusterTestKit",
                "org.apache.flink.runtime.minicluster.MiniCluster",
                "org.apache.flink.test.junit5.MiniClusterExtension",
                "org.apache.flink.runtime.testutils.MiniClusterResource",
                "dev.edgevl.inference.LocalFlink",
                "dev.edgevl.schemas.registry.ApicurioRegistry",
                "org.apache.kafka.clients.producer.KafkaProducer",
                "org.apache.kafka.clients.consumer.KafkaConsumer",
                "org.apache.kafka.streams.KafkaStreams",
                "dev.edgevl.cli.LocalStack");
        DescribedPredicate<JavaAccess<?>> startsSomething = DescribedPredicate.describe(
                "start a broker, a cluster or a real Kafka client",
                access -> starters.contains(access.getTargetOwner().getFullName())
                        || (access.getTargetOwner()
                                        .isAssignableTo(
                                                "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment")
                                && access.getName().startsWith("execute"))
                        || (access.getTargetOwner().getFullName().equals("org.apache.kafka.clients.admin.Admin")
                                && access.getName().equals("create"))
                        || (access.getName().equals("start")
                                && access.getTargetOwner().getSimpleName().endsWith("App")));
        DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass> unitTests = DescribedPredicate.describe(
                "are *Test classes", c -> c.getName().matches(".*Test(\\$.*)?"));
        noClasses()
                .that(unitTests)
                .should()
                .accessTargetWhere(startsSomething)
                .because(
                        "*Test runs in surefire without a broker or a cluster; a test that needs one is an *IT (failsafe)")
                .check(tests);
    }
}
