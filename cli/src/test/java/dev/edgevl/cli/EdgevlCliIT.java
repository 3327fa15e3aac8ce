package dev.edgevl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.health.PrometheusText;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands of the README, run as a user would, against a real broker. */
class EdgevlCliIT {
    private static final int TOPIC_COUNT =
            dev.edgevl.schemas.topics.Topics.withDeadLetters().size();

    @Test
    void localRunsTheWholeLoopAPromotedVersionReachesTheJobAndTheDevicesAndTheReportIsWritten(
            @TempDir java.nio.file.Path dataDir, @TempDir java.nio.file.Path reportDir) throws Exception {
        LocalCommand local = new LocalCommand();
        CommandLine cli = new CommandLine(local);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        java.nio.file.Path report = reportDir.resolve("local.json");
        // The default world without drift, and a distiller that retrains after fewer pairs with shorter rounds: the
        // loop
        // closes within a couple of minutes on two cores.
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--scenario",
                "default",
                "--report",
                report.toString(),
                "--set",
                "distill.trigger.samples=80",
                "--set",
                "distill.trigger.min-samples=60",
                "--set",
                "distill.stage1.epochs=3",
                "--set",
                "distill.stage2.steps=30",
                "--set",
                "inference.route.budget=0.1",
                // This test proves the loop closes, not the gate's statistics (GateTest and DistillerTest do): a wide
                // margin lets the first short round through whenever it is not far worse than v0.
                "--set",
                "distill.gate.margin=0.2",
                // Promoted versions go fleet-wide at once here: the staged rollout has its own test (RolloutIT).
                "--set",
                "distill.rollout.canary-share=0"));
        String bootstrap = local.awaitReady();
        try {
            assertThat(bootstrap).as("local is up; output so far:%n%s", out).isNotNull();
            assertThat(out.toString())
                    .contains(
                            "Topics: " + TOPIC_COUNT + " created",
                            "edgevl local is up. Kafka bootstrap: " + bootstrap,
                            "Press Ctrl-C to stop.");

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                Topics.withDeadLetters().forEach(t -> assertThat(topics).contains(t.name()));
            }
            SensorFrame frame = SensorFrame.newBuilder()
                    .setDeviceId("cam-1")
                    .setSensorId("depth0")
                    .setModality(Modality.DEPTH)
                    .setCaptureTime(Instant.parse("2026-11-26T10:00:00Z"))
                    .setSequence(1)
                    .setWidth(1)
                    .setHeight(1)
                    .setEncoding(PixelEncoding.DEPTH16_MM)
                    .setData(ByteBuffer.wrap(new byte[] {(byte) 0xE8, 0x03}))
                    .build();
            var serde = AvroSerdes.singleObject().valueSerde(Topics.FRAMES_AUX);
            try (KafkaProducer<String, SensorFrame> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap), new StringSerializer(), serde.serializer())) {
                producer.send(new ProducerRecord<>(Topics.FRAMES_AUX.name(), "cam-1", frame))
                        .get();
            }
            try (KafkaConsumer<String, SensorFrame> consumer = new KafkaConsumer<>(
                    Map.of("bootstrap.servers", bootstrap, "group.id", "cli-it", "auto.offset.reset", "earliest"),
                    new StringDeserializer(),
                    serde.deserializer())) {
                consumer.subscribe(List.of(Topics.FRAMES_AUX.name()));
                ConsumerRecord<String, SensorFrame> got = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, SensorFrame> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.key().equals("cam-1")) { // the simulated fleet publishes here too
                            got = r;
                        }
                    }
                }
                assertThat(got).isNotNull();
                assertThat(got.value()).isEqualTo(frame);
            }

            // The fleet and frame sync run too: pairs appear on their own.
            try (KafkaConsumer<String, FramePair> consumer = new KafkaConsumer<>(
                    Map.of(
                            "bootstrap.servers",
                            bootstrap,
                            "group.id",
                            "cli-it-pairs",
                            "auto.offset.reset",
                            "earliest",
                            "isolation.level",
                            "read_committed"),
                    new StringDeserializer(),
                    AvroSerdes.singleObject().valueSerde(Topics.FRAMES_PAIRED).deserializer())) {
                consumer.subscribe(List.of(Topics.FRAMES_PAIRED.name()));
                int pairs = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (pairs < 10 && System.nanoTime() < deadline) {
                    pairs += consumer.poll(Duration.ofMillis(200)).count();
                }
                assertThat(pairs).as("pairs from the simulated fleet").isGreaterThanOrEqualTo(10);
            }

            assertThat(out.toString())
                    .as("the shipped student is live before the fleet starts, so before any round")
                    .contains("the shipped student is live as v0");
            // The loop closes: the distiller promotes a version, the job annotates with it and every device runs it.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            Long annotatedWith = null;
            Long firstVersion = null;
            Map<String, dev.edgevl.avro.DeviceStatus> devices = Map.of();
            try (KafkaConsumer<String, dev.edgevl.avro.Annotation> annotations = new KafkaConsumer<>(
                    Map.of(
                            "bootstrap.servers",
                            bootstrap,
                            "group.id",
                            "cli-it-annotations",
                            "auto.offset.reset",
                            "earliest",
                            "isolation.level",
                            "read_committed"),
                    new StringDeserializer(),
                    AvroSerdes.singleObject()
                            .valueSerde(Topics.FRAMES_ANNOTATED)
                            .deserializer())) {
                annotations.subscribe(List.of(Topics.FRAMES_ANNOTATED.name()));
                while (annotatedWith == null && System.nanoTime() < deadline) {
                    for (var r : annotations.poll(Duration.ofMillis(500))) {
                        Long v = r.value().getModelVersion();
                        if (firstVersion == null && r.value().getStatus() == dev.edgevl.avro.AnnotationStatus.OK) {
                            firstVersion = v;
                        }
                        if (v != null && v > 0) {
                            annotatedWith = v;
                        }
                    }
                }
            }
            assertThat(firstVersion)
                    .as("the first labelled annotations are v0's")
                    .isZero();
            assertThat(annotatedWith)
                    .as("an annotation made by a promoted version; output:%n%s", out)
                    .isNotNull();
            final long version = annotatedWith;
            try (KafkaConsumer<String, dev.edgevl.avro.DeviceStatus> status = new KafkaConsumer<>(
                    Map.of(
                            "bootstrap.servers",
                            bootstrap,
                            "group.id",
                            "cli-it-status",
                            "auto.offset.reset",
                            "earliest"),
                    new StringDeserializer(),
                    AvroSerdes.singleObject().valueSerde(Topics.FLEET_STATUS).deserializer())) {
                status.subscribe(List.of(Topics.FLEET_STATUS.name()));
                Map<String, dev.edgevl.avro.DeviceStatus> latest = new java.util.TreeMap<>();
                while (System.nanoTime() < deadline
                        && (latest.size() < 4
                                || latest.values().stream()
                                        .anyMatch(d -> d.getModelVersion() == null || d.getModelVersion() < version))) {
                    for (var r : status.poll(Duration.ofMillis(500))) {
                        latest.put(r.key(), r.value());
                    }
                }
                devices = latest;
            }
            assertThat(devices).as("fleet.status of the four devices").hasSize(4);
            assertThat(devices.values()).allSatisfy(d -> {
                assertThat(d.getModelVersion()).isGreaterThanOrEqualTo(version);
                assertThat(d.getHealth()).isEqualTo(dev.edgevl.avro.DeviceHealth.OK);
            });
            Thread.sleep(70_000); // a whole window (60 s) of annotations by the promoted version, for the report
            consoleAndMetricsShowTheLoop(local, version);
        } finally {
            local.stop();
        }
        assertThat(exit.get(120, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("Stopped cleanly.", "Report: " + report.toAbsolutePath());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertThat(json.at("/summary/firstPromotedVersion").isNumber())
                .as("report summary: %s", json.path("summary"))
                .isTrue();
        assertThat(json.path("points").size()).isGreaterThan(5);
        assertThat(json.at("/firstLabelledAnnotationSeconds").asDouble()).isLessThan(5.0);
        var start = json.at("/segments/0/modalities/DEPTH");
        assertThat(start.path("judged").asLong()).isPositive();
        for (String judge : List.of("adaptive", "frozen", "teacher")) {
            assertThat(start.path(judge).isNumber())
                    .as("%s on depth in the first segment: %s", judge, start)
                    .isTrue();
        }
        assertThat(json.at("/modalities/DEPTH/finalFrozen").isNumber()).isTrue();
        assertThat(json.at("/pairing/DEPTH/unpairedShare").isNumber()).isTrue();
        assertThat(json.at("/visibleLatency/annotations").asLong())
                .as(
                        "annotations seen at a read_uncommitted consumer of frames.annotated: %s",
                        json.path("visibleLatency"))
                .isPositive();
        assertThat(json.at("/visibleLatency/p99Ms").isNumber()).isTrue();
        // Each record is made before a consumer sees it, so the hops from capture are ordered record by record and so
        // percentile by percentile.
        var hops = json.at("/visibleLatency/hops");
        assertThat(hops.at("/paired/p99Ms").asDouble())
                .as("hops %s", hops)
                .isLessThanOrEqualTo(hops.at("/pairReadable/p99Ms").asDouble());
        assertThat(hops.at("/annotated/p99Ms").asDouble())
                .as("hops %s", hops)
                .isLessThanOrEqualTo(hops.at("/visible/p99Ms").asDouble());
        assertThat(java.nio.file.Files.size(reportDir.resolve("local.png"))).isGreaterThan(1000);
        double student = json.at("/summary/nonRgbAfterPromotion").asDouble(Double.NaN);
        double teacher = json.at("/summary/teacherNonRgbAfterPromotion").asDouble(Double.NaN);
        System.out.printf(
                "local IT: student non-RGB top-1 after promotion %.3f, teacher alone %.3f%n", student, teacher);
        assertThat(student)
                .as(
                        "the student on non-RGB after its first promoted version vs the teacher alone (%.3f); summary: %s",
                        teacher, json.at("/summary/text").asText())
                .isGreaterThan(teacher);
    }

    /** What the console's page is sent, its /metrics, and the stream job's through Flink's reporter. */
    private static void consoleAndMetricsShowTheLoop(LocalCommand local, long promoted) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String console = local.consoleUrl();
        var state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(httpGet(http, console + "api/state"));
        List<com.fasterxml.jackson.databind.JsonNode> fleet = new java.util.ArrayList<>();
        state.path("devices").forEach(d -> {
            if (d.has("fleet")) { // the fleet's devices report to fleet.status; cam-1 above only sent a frame
                fleet.add(d);
            }
        });
        assertThat(fleet).as("console state %s", state).hasSize(4);
        for (var device : fleet) {
            assertThat(device.path("top3").size()).as("%s", device).isPositive();
            assertThat(device.path("fleet").path("version").asLong()).isGreaterThanOrEqualTo(promoted);
            var picture = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                    console + device.path("auxImage").asText().substring(1)))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(picture.statusCode()).isEqualTo(200);
            assertThat(picture.headers().firstValue("Content-Type")).hasValue("image/png");
        }
        assertThat(state.at("/models/live/version").asLong()).isGreaterThanOrEqualTo(promoted);
        assertThat(state.at("/accuracy/points").size())
                .as("accuracy over time from the local evaluator")
                .isPositive();
        assertThat(state.at("/labels").size()).isEqualTo(10);

        PrometheusText services = PrometheusText.parse(httpGet(http, console + "metrics"));
        assertThat(services.sum("edgevl_sync_frames_total", Map.of())).isPositive();
        assertThat(services.sum("edgevl_sync_pairs_total", Map.of("rgb", "matched")))
                .isPositive();
        assertThat(services.sum("edgevl_teacher_embedded_total", Map.of())).isPositive();
        assertThat(services.sum("edgevl_distiller_rounds_total", Map.of("outcome", "promoted")))
                .isGreaterThanOrEqualTo(1);
        // The gauge is the JVM's: other tests' fleets in this JVM may have left theirs; these four run the promoted
        // one.
        assertThat(services.samples("edgevl_agent_devices", Map.of("health", "ok")).stream()
                        .filter(sample -> !sample.labels().get("version").equals("none")
                                && Long.parseLong(sample.labels().get("version")) >= promoted)
                        .mapToDouble(PrometheusText.Sample::value)
                        .sum())
                .isGreaterThanOrEqualTo(4);
        assertThat(services.sum("edgevl_distiller_live_version", Map.of())).isGreaterThanOrEqualTo(promoted);
        assertThat(services.families().keySet())
                .anyMatch(name -> name.startsWith("kafka_stream_"))
                .anyMatch(name -> name.startsWith("kafka_consumer_"))
                .contains("jvm_memory_used_bytes");

        PrometheusText job = PrometheusText.parse(
                httpGet(http, "http://127.0.0.1:" + local.stack().flinkMetricsPort() + "/metrics"));
        assertThat(job.families().keySet())
                .as("the stream job's operator counters through Flink's Prometheus reporter")
                .anyMatch(
                        name -> name.startsWith("flink_taskmanager_job_task_operator") && name.endsWith("annotations"))
                .anyMatch(name -> name.endsWith("routingRate"));
    }

    private static String httpGet(java.net.http.HttpClient http, String url) throws Exception {
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    @Test
    void theServicesRunOneByOneAgainstAnyCluster() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            EdgevlTest.Run first = EdgevlTest.run("topics", "create", "--bootstrap", kafka.bootstrapServers());
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.out()).contains("Topics: " + TOPIC_COUNT + " created, 0 already there.");
            EdgevlTest.Run second =
                    EdgevlTest.run("topics", "create", "--set", "kafka.bootstrap.servers=" + kafka.bootstrapServers());
            assertThat(second.out())
                    .contains("Topics: 0 created, " + TOPIC_COUNT + " already there.")
                    .doesNotContain("note:");
            EdgevlTest.Run list = EdgevlTest.run("topics", "list", "-b", kafka.bootstrapServers());
            assertThat(list.out()).contains("EXISTS").doesNotContain(" NO ");

            // The README's services-one-by-one flow: frame sync in one terminal, the fleet in another, then watch the
            // pairs.
            CompletableFuture<EdgevlTest.Run> ingest = CompletableFuture.supplyAsync(
                    () -> EdgevlTest.run("ingest", "-b", kafka.bootstrapServers(), "--duration", "15s"));
            EdgevlTest.Run simulate =
                    EdgevlTest.run("simulate", "-b", kafka.bootstrapServers(), "--speed", "0", "--duration", "3s");
            assertThat(simulate.exitCode()).as(simulate.err()).isZero();
            assertThat(simulate.out()).contains("Simulating 'default'", "Done: ");
            EdgevlTest.Run watch = EdgevlTest.run(
                    "watch", "frames.paired", "-b", kafka.bootstrapServers(), "--from-beginning", "-n", "5");
            assertThat(watch.exitCode()).as(watch.err()).isZero();
            assertThat(watch.out().lines().filter(l -> l.contains("] + [")).count())
                    .isEqualTo(5);
            EdgevlTest.Run truth =
                    EdgevlTest.run("watch", "sim.truth", "-b", kafka.bootstrapServers(), "--from-beginning", "-n", "1");
            assertThat(truth.out()).contains("scene");
            assertThat(ingest.get(60, TimeUnit.SECONDS).out())
                    .contains("Frame sync is running", "Frame sync stopped cleanly.");

            // Devices with agents: no model is published here, so they report STARTING on fleet.status, once at start
            // and once at the end.
            java.nio.file.Path key = dev.edgevl.model.bundle.DevKeys.loadOrCreate(
                            java.nio.file.Files.createTempDirectory("edgevl-keys"))
                    .publicKeyFile();
            EdgevlTest.Run agent = EdgevlTest.run(
                    "agent",
                    "-b",
                    kafka.bootstrapServers(),
                    "--trust",
                    key.toString(),
                    "--devices",
                    "2",
                    "--duration",
                    "2s");
            assertThat(agent.exitCode()).as(agent.err()).isZero();
            assertThat(agent.out())
                    .contains(
                            "Simulating 'default': 2 devices with agents",
                            "Devices: agents 2 {STARTING=2} on {no model=2}");
            EdgevlTest.Run status = EdgevlTest.run(
                    "watch", "fleet.status", "-b", kafka.bootstrapServers(), "--from-beginning", "-n", "4");
            assertThat(status.out()).contains("agent-0", "agent-1", "STARTING no model");
        }
    }

    @Test
    void labelsGoThroughTheTeacherServiceAndListShowsTheLiveOnes(@TempDir java.nio.file.Path cache) throws Exception {
        // A tiny untrained synthetic teacher in the cache stands in for a pretrained one: the service loads it the same
        // way.
        dev.edgevl.model.teacher.TeacherRecipe recipe = new dev.edgevl.model.teacher.TeacherRecipe(
                new dev.edgevl.model.student.StudentSpec(
                        32, 4, List.of(new dev.edgevl.model.student.StudentSpec.Block(8, 2)), 16),
                8,
                8,
                16);
        try (dev.edgevl.model.teacher.SyntheticTeacher teacher = dev.edgevl.model.teacher.SyntheticTeacher.untrained(
                recipe,
                dev.edgevl.model.clip.WordVocabulary.of(
                        dev.edgevl.model.zeroshot.Prompts.allPrompts(dev.edgevl.sim.world.Shape.defaultMix())),
                1)) {
            dev.edgevl.model.teacher.SyntheticTeacherFiles.save(
                    teacher, dev.edgevl.model.teacher.SyntheticTeacherFiles.directory(cache, "cli"));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            String bootstrap = kafka.bootstrapServers();
            assertThat(EdgevlTest.run("topics", "create", "-b", bootstrap).exitCode())
                    .isZero();
            CompletableFuture<EdgevlTest.Run> serve = CompletableFuture.supplyAsync(() -> EdgevlTest.run(
                    "teacher",
                    "serve",
                    "-b",
                    bootstrap,
                    "--set",
                    "teacher.path=" + dev.edgevl.model.teacher.SyntheticTeacherFiles.directory(cache, "cli"),
                    "--set",
                    "kafka.state.dir=" + cache.resolve("state"),
                    "--duration",
                    "20s"));

            EdgevlTest.Run add = EdgevlTest.run("labels", "add", "forklift", "-b", bootstrap);
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.out()).contains("Label 'forklift' added with the 4 default templates");
            assertThat(EdgevlTest.run("labels", "add", "cube", "--template", "a {} on a pallet", "-b", bootstrap)
                            .exitCode())
                    .isZero();
            assertThat(EdgevlTest.run("labels", "remove", "cube", "-b", bootstrap)
                            .exitCode())
                    .isZero();

            EdgevlTest.Run list = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && (list == null || !list.out().contains("forklift"))) {
                Thread.sleep(500);
                list = EdgevlTest.run("labels", "list", "-b", bootstrap);
            }
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out())
                    .contains("forklift", "synthetic-clip-untrained@1", "1 live labels.")
                    .doesNotContain("cube");
            assertThat(serve.get(60, TimeUnit.SECONDS).out())
                    .contains(
                            "The teacher service is running with teacher synthetic-clip-untrained@1",
                            "The teacher service stopped cleanly.");
        }
    }

    @Test
    void modelsListsTheCatalogueAndPromoteAndRollbackRepublishSignedVersions(@TempDir java.nio.file.Path store)
            throws Exception {
        dev.edgevl.model.bundle.DevKeys keys = dev.edgevl.model.bundle.DevKeys.loadOrCreate(store.resolve("keys"));
        dev.edgevl.model.bundle.DirectoryModelStore bundles = new dev.edgevl.model.bundle.DirectoryModelStore(store);
        dev.edgevl.distill.ModelCatalog catalog = dev.edgevl.distill.ModelCatalog.in(store);
        for (int v = 1; v <= 2; v++) {
            byte[] bundle = new dev.edgevl.model.bundle.BundleWriter()
                    .write(
                            dev.edgevl.model.bundle.BundleManifest.builder()
                                    .family("student")
                                    .version(v)
                                    .parentVersion(v == 1 ? null : 1L)
                                    .createdAt(Instant.parse("2026-11-26T10:00:00Z")
                                            .plusSeconds(v))
                                    .teacherId("t")
                                    .embeddingDim(8)
                                    .input(dev.edgevl.model.onnx.StudentBundles.input(16))
                                    .metric("gate.promoted", v == 1 ? 1.0 : 0.0)
                                    .metric("gate.nonRgbAgreement", 0.5 + v / 10.0)
                                    .entry("model.onnx")
                                    .build(),
                            Map.of("model.onnx", new byte[] {1, 2, (byte) v}));
            dev.edgevl.model.bundle.SignedBundle signed = keys.signer().sign(bundle);
            bundles.put(signed.bytes());
            catalog.add(dev.edgevl.model.bundle.ModelVersions.toRecord(
                    signed,
                    dev.edgevl.model.bundle.ModelBundle.parse(signed.bytes()),
                    dev.edgevl.model.bundle.BundleDelivery.inline(),
                    Instant.parse("2026-11-26T10:00:00Z").plusSeconds(v)));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            String b = kafka.bootstrapServers();
            assertThat(EdgevlTest.run("topics", "create", "-b", b).exitCode()).isZero();
            String dir = store.toString();

            EdgevlTest.Run empty = EdgevlTest.run("models", "list", "--store", dir, "-b", b);
            assertThat(empty.exitCode()).as(empty.err()).isZero();
            assertThat(empty.out())
                    .contains("v1", "promoted", "v2", "kept back", "0.700", "Nothing of student is live on models.");

            EdgevlTest.Run promote = EdgevlTest.run("models", "promote", "v2", "--store", dir, "-b", b);
            assertThat(promote.exitCode()).as(promote.err()).isZero();
            assertThat(promote.out()).contains("Promoted student v2: published to models");
            assertThat(liveVersion(b, keys)).isEqualTo(2);

            EdgevlTest.Run rollback = EdgevlTest.run("models", "rollback", "--to", "1", "--store", dir, "-b", b);
            assertThat(rollback.exitCode()).as(rollback.err()).isZero();
            assertThat(rollback.out()).contains("Rolled back to student v1");
            assertThat(liveVersion(b, keys))
                    .as("the earlier version is live again, still signed")
                    .isEqualTo(1);
            assertThat(EdgevlTest.run("models", "list", "--store", dir, "-b", b).out())
                    .containsPattern("\\*\\s+v1");

            EdgevlTest.Run forward = EdgevlTest.run("models", "rollback", "--to", "2", "--store", dir, "-b", b);
            assertThat(forward.exitCode()).isNotZero();
            assertThat(forward.err()).contains("v2 is not earlier than the live v1", "models promote 2");
            EdgevlTest.Run missing = EdgevlTest.run("models", "promote", "7", "--store", dir, "-b", b);
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.err()).contains("There is no student v7 in the catalogue");

            // A canary needs devices to take a share of: none on fleet.status yet, then four.
            EdgevlTest.Run noDevices = EdgevlTest.run("models", "promote", "2", "--canary", "--store", dir, "-b", b);
            assertThat(noDevices.exitCode()).isNotZero();
            assertThat(noDevices.err()).contains("holds none of them");
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                    Map.of("bootstrap.servers", b),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                var serializer = AvroSerdes.singleObject()
                        .valueSerde(Topics.FLEET_STATUS)
                        .serializer();
                for (String device : List.of("dev-0", "dev-1", "dev-2", "dev-3")) {
                    var status = dev.edgevl.avro.DeviceStatus.newBuilder()
                            .setDeviceId(device)
                            .setHealth(dev.edgevl.avro.DeviceHealth.OK)
                            .setModelFamily("student")
                            .setModelVersion(1L)
                            .setReportTime(Instant.now())
                            .build();
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                    Topics.FLEET_STATUS.name(),
                                    device,
                                    serializer.serialize(Topics.FLEET_STATUS.name(), status)))
                            .get();
                }
            }
            EdgevlTest.Run canary = EdgevlTest.run("models", "promote", "2", "--canary", "--store", dir, "-b", b);
            assertThat(canary.exitCode()).as(canary.err()).isZero();
            assertThat(canary.out()).contains("Published student v2 as a canary on 1 of 4 devices (fleet on v1)");
            assertThat(liveVersion(b, keys)).as("the fleet stays on v1").isEqualTo(1);
            assertThat(EdgevlTest.run("models", "list", "--store", dir, "-b", b).out())
                    .containsPattern("\\*\\s+v1")
                    .containsPattern("c\\s+v2")
                    .contains("Rollout: v2, canary on 1 of 4 devices (fleet on v1), since");

            EdgevlTest.Run show = EdgevlTest.run("models", "show", "2", "--store", dir, "-b", b);
            assertThat(show.out()).contains("student v2", "gate.nonRgbAgreement", "0.700", "signed by", keys.keyId());
        }
    }

    /** The version of the latest student record on models, after checking its signature. */
    private static long liveVersion(String bootstrap, dev.edgevl.model.bundle.DevKeys keys) throws Exception {
        ClusterOptions cluster = new ClusterOptions();
        cluster.bootstrap = bootstrap;
        dev.edgevl.avro.ModelVersion last = CompactedTopics.read(
                        cluster, Topics.MODELS, java.time.Duration.ofSeconds(30))
                .get("student");
        assertThat(last).isNotNull();
        new dev.edgevl.model.bundle.BundleVerifier(keys.trustedKeys()).verify(last);
        return last.getVersion();
    }
}
