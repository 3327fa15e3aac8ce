package dev.edgevl.device.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Routing and back-pressure. A broker that stops acknowledging cannot be staged reliably, so these use
 * Kafka's MockProducer with manual completion; the real broker path is covered by the fleet ITs.
 */
class DeviceProducerTest {
    private final AvroSerdes serdes = AvroSerdes.singleObject();

    static SensorFrame frame(Modality modality, long sequence, int bytes) {
        return SensorFrame.newBuilder()
                .setDeviceId("cam-1")
                .setSensorId(modality == Modality.RGB ? "rgb0" : "depth0")
                .setModality(modality)
                .setCaptureTime(Instant.parse("2026-11-26T10:00:00Z").plusMillis(100 * sequence))
                .setSequence(sequence)
                .setWidth(1)
                .setHeight(1)
                .setEncoding(PixelEncoding.GRAY8)
                .setData(ByteBuffer.wrap(new byte[bytes]))
                .build();
    }

    private static DeviceProducerConfig config(long maxInFlight, Duration maxBlock) {
        return new DeviceProducerConfig(Map.of(), maxInFlight, maxBlock);
    }

    @Test
    void framesGoToTheirModalitysTopicKeyedByDevice() throws Exception {
        MockProducer<String, byte[]> mock =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (DeviceProducer producer = new DeviceProducer(mock, config(1 << 20, Duration.ofSeconds(1)), serdes)) {
            producer.send(frame(Modality.RGB, 1, 10)).get();
            producer.send(frame(Modality.DEPTH, 1, 10)).get();
            producer.send(frame(Modality.THERMAL, 1, 10)).get();
            assertThat(mock.history())
                    .extracting(r -> r.topic())
                    .containsExactly("frames.rgb", "frames.aux", "frames.aux");
            assertThat(mock.history()).allMatch(r -> r.key().equals("cam-1"));
            assertThat(producer.acknowledged()).isEqualTo(3);
        }
    }

    @Test
    void devicePairsAreMarkedAsSuch() throws Exception {
        MockProducer<String, byte[]> mock =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (DeviceProducer producer = new DeviceProducer(mock, config(1 << 20, Duration.ofSeconds(1)), serdes)) {
            FramePair pair = FramePair.newBuilder()
                    .setDeviceId("cam-1")
                    .setRgb(frame(Modality.RGB, 1, 4))
                    .setAux(frame(Modality.DEPTH, 1, 4))
                    .setSkewMicros(1000L)
                    .build();
            producer.send(pair).get();
            byte[] value = mock.history().get(0).value();
            FramePair sent = serdes.avro(FramePair.class).deserializer().deserialize("frames.paired", value);
            assertThat(mock.history().get(0).topic()).isEqualTo("frames.paired");
            assertThat(sent.getOrigin()).isEqualTo(PairOrigin.DEVICE);
        }
    }

    @Test
    void aDeviceThatOutpacesKafkaWaitsInsteadOfQueueing() throws Exception {
        MockProducer<String, byte[]> mock =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (DeviceProducer producer = new DeviceProducer(mock, config(300, Duration.ofSeconds(10)), serdes)) {
            producer.send(frame(Modality.RGB, 1, 200));
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    producer.send(frame(Modality.RGB, 2, 200));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(second).as("the second frame waits for room").isNotDone();
            assertThat(mock.history()).hasSize(1);
            mock.completeNext();
            second.get(5, TimeUnit.SECONDS);
            assertThat(mock.history()).hasSize(2);
            assertThat(producer.inFlightBytes()).isPositive();
        }
    }

    @Test
    void settingsGiveAnIdempotentCompressedProducer() {
        DeviceProducerConfig config =
                DeviceProducerConfig.from(Settings.of(Map.of("device.compression", "zstd")), "127.0.0.1:9092");
        assertThat(config.clientProperties())
                .containsEntry("enable.idempotence", true)
                .containsEntry("acks", "all")
                .containsEntry("compression.type", "zstd")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(config.maxInFlightBytes()).isEqualTo(16L << 20);
    }
}
