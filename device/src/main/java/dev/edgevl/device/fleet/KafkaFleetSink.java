package dev.edgevl.device.fleet;

import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.device.sdk.DeviceProducer;
import dev.edgevl.device.sdk.DeviceProducerConfig;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes simulated frames through the device SDK, as real devices would, and the ground truth to
 * {@code sim.truth} through a producer of its own.
 */
public final class KafkaFleetSink implements FleetSimulator.Sink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFleetSink.class);

    private final DeviceProducer devices;
    private final Producer<String, FrameTruth> truth;
    private final AtomicLong failures = new AtomicLong();

    public KafkaFleetSink(DeviceProducerConfig config, AvroSerdes serdes) {
        this(config, config.clientProperties(), serdes);
    }

    /**
     * @param truthClient how the ground truth's producer reaches Kafka, when it is another principal than the devices
     *     (a device may not write {@code sim.truth})
     */
    public KafkaFleetSink(DeviceProducerConfig config, Map<String, Object> truthClient, AvroSerdes serdes) {
        this.devices = new DeviceProducer(config, serdes);
        Map<String, Object> props = new HashMap<>(truthClient);
        props.put("client.id", "edgevl-sim-truth");
        this.truth = new KafkaProducer<>(
                props,
                new StringSerializer(),
                serdes.valueSerde(Topics.SIM_TRUTH).serializer());
    }

    @Override
    public void publish(SensorFrame frame, FrameTruth frameTruth) throws InterruptedException {
        devices.send(frame).whenComplete((metadata, error) -> {
            if (error != null && failures.getAndIncrement() % 100 == 0) {
                LOG.warn(
                        "Could not publish a frame of {} ({} failures so far): {}",
                        frame.getDeviceId(),
                        failures.get(),
                        error.getMessage());
            }
        });
        truth.send(new ProducerRecord<>(Topics.SIM_TRUTH.name(), frameTruth.getDeviceId(), frameTruth));
    }

    public long acknowledgedFrames() {
        return devices.acknowledged();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        devices.flush();
        truth.flush();
        devices.close();
        truth.close();
    }
}
