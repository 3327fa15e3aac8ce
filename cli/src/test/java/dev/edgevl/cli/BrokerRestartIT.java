package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.health.Health;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops while the whole loop ({@code edgevl local --bootstrap}) streams, and comes back on the same port with
 * the same data: no service is restarted by hand, every non-RGB frame the devices wrote is paired exactly once and every
 * pair annotated exactly once ({@code read_committed}, by device, sensor and sequence), and the distiller's versions
 * are what they were.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BrokerRestartIT {
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @Test
    void theLoopRidesOutABrokerRestartLosingAndDuplicatingNothing(
            @TempDir Path kafkaDir, @TempDir Path dataDir, @TempDir Path reportDir) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(kafkaDir).start();
        String bootstrap = kafka.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        RunningLocal running = RunningLocal.start(
                "--bootstrap",
                bootstrap,
                "--data-dir",
                dataDir.toString(),
                "--scenario",
                "default",
                "--report",
                reportDir.resolve("local.json").toString());
        LocalCommand local = running.command();
        StringWriter out = running.out();
        CompletableFuture<Integer> exit = running.exit();
        AvroSerdes serdes = AvroSerdes.singleObject();
        try {
            assertThat(local.awaitReady())
                    .as("local is up; output so far:%n%s", out)
                    .isEqualTo(bootstrap);
            LocalStack stack = local.stack();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (LoopRecords.annotatedAuxFrames(bootstrap, serdes).size() < 200) {
                assertThat(System.nanoTime())
                        .as("annotations before the restart")
                        .isLessThan(deadline);
                Thread.sleep(2_000);
            }
            List<Long> versionsBefore = versions(stack);

            Instant stopped = Instant.now();
            kafka.close();
            Thread.sleep(OUTAGE.toMillis());
            kafka = EmbeddedKafka.builder().dataDir(kafkaDir).port(port).start();
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            Instant restarted = Instant.now();

            // The loop goes on by itself: annotations of frames captured after the broker came back.
            deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (LoopRecords.countAfter(bootstrap, "frames.annotated", restarted.plusSeconds(5)) == 0) {
                assertThat(System.nanoTime())
                        .as("annotations after the restart; output:%n%s", out)
                        .isLessThan(deadline);
            }
            Thread.sleep(15_000); // frames captured before the cutoff below are paired and annotated by now
            Instant cutoff = Instant.now().minusSeconds(15);

            Map<String, Health> health = stack.health();
            assertThat(health).as("no service stopped").allSatisfy((service, h) -> assertThat(h.live() && h.ready())
                    .as("%s: %s", service, h)
                    .isTrue());
            System.out.printf(
                    "Broker down %s → up %s; the stream job %s.%n",
                    stopped,
                    restarted,
                    stack.jobFailure()
                            .map(f -> "failed over once or more, last after: "
                                    + f.lines().findFirst().orElse(""))
                            .orElse("never failed over"));

            Set<String> captured = LoopRecords.auxFramesBefore(bootstrap, serdes, cutoff);
            Map<String, Long> paired = LoopRecords.pairedAuxFrames(bootstrap, serdes);
            Map<String, Long> annotated = LoopRecords.annotatedAuxFrames(bootstrap, serdes);
            System.out.printf(
                    "%d non-RGB frames written before the cutoff; %d pairs; %d annotated.%n",
                    captured.size(), paired.size(), annotated.size());
            assertThat(stack.fleetSink().failures())
                    .as(
                            "frames the devices could not write (of %d acknowledged)",
                            stack.fleetSink().acknowledgedFrames())
                    .isZero();
            assertThat(paired.keySet()).as("every frame written is paired").containsAll(captured);
            assertThat(paired.entrySet())
                    .as("no frame paired twice")
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1L));
            assertThat(annotated.keySet())
                    .as("every pair of those frames annotated")
                    .containsAll(captured);
            assertThat(annotated.entrySet())
                    .as("no pair annotated twice")
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1L));

            Map<String, DeviceStatus> reports = LoopRecords.latestStatus(bootstrap, serdes, restarted);
            assertThat(reports).as("device reports after the restart").hasSize(4);
            assertThat(reports.values())
                    .allSatisfy(d -> assertThat(d.getHealth()).as("%s", d).isEqualTo(DeviceHealth.OK));
            assertThat(versions(stack))
                    .as("the distiller's versions: none lost")
                    .containsAll(versionsBefore);
        } finally {
            local.stop();
            try {
                exit.get(120, TimeUnit.SECONDS);
            } finally {
                kafka.close();
            }
        }
        assertThat(exit.get()).as("local's exit; output:%n%s", out).isZero();
    }

    private static List<Long> versions(LocalStack stack) throws Exception {
        return stack.distiller().distiller().catalog().list("student").stream()
                .map(ModelVersion::getVersion)
                .toList();
    }
}
