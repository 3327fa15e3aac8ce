package dev.edgevl.bench.cluster;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.bench.inference.BenchFleet;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What the cluster benchmark and its integration test put on the broker, as the inference benchmark does: the built-in
 * initial student (int8, 64×64 input, 128-d embedding) signed with a key of the run's own, ten label embeddings, RGB +
 * depth pairs of random pixels (speed does not depend on content); and the read-committed reader of
 * {@code frames.annotated}.
 */
final class ClusterWorld {
    static final String FAMILY = BenchFleet.FAMILY;

    final KeyPair keys = Keys.generate();
    private final Random random;

    ClusterWorld(long seed) {
        this.random = new Random(seed);
    }

    /** Writes the public key as PEM: the job's {@code inference.trusted-keys}. */
    Path writePublicKey(Path file) throws IOException {
        Files.writeString(file, Keys.toPem(keys.getPublic()));
        return file;
    }

    /** Publishes the signed built-in student (version 1 of {@link #FAMILY}) and ten labels, and waits for the broker. */
    void publishModelAndLabels(KafkaProducer<byte[], byte[]> producer) throws Exception {
        BenchFleet.publish(producer, BenchFleet.model(keys), BenchFleet.labels(random));
    }

    /** A pair of random depth and RGB pixels; {@code auxSensor} names its non-RGB sensor. */
    FramePair pair(String device, String auxSensor, long sequence, Instant capture) {
        return BenchFleet.pair(random, device, auxSensor, sequence, capture);
    }

    /** {@code template} once more with sequence {@code sequence} and capture time {@code capture}, sent keyed by device. */
    static void send(KafkaProducer<byte[], byte[]> producer, FramePair template, long sequence, Instant capture) {
        BenchFleet.send(producer, template, sequence, capture);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return BenchFleet.producer(bootstrap);
    }

    /** A read-committed reader of {@code frames.annotated} that sees only what is committed after this call. */
    static KafkaConsumer<byte[], byte[]> annotationsFromNow(String bootstrap, String group) {
        return BenchFleet.readerFromNow(bootstrap, Topics.FRAMES_ANNOTATED.name(), group);
    }

    static Annotation decode(ConsumerRecord<byte[], byte[]> record) {
        return BenchFleet.decodeAnnotation(record.value());
    }

    /** The pair an annotation is about: device, non-RGB sensor and sequence. */
    static String id(Annotation a) {
        return a.getDeviceId() + "/" + a.getAuxSensorId() + "/" + a.getAuxSequence();
    }
}
