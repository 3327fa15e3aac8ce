package dev.edgevl.teacher.requests;

import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.teacher.service.TeacherCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups admitted requests into batches for the teacher: a batch goes when it is full, and a wall-clock
 * punctuation sends whatever waits every {@link Batching#maxWait()}.
 *
 * <p>Waiting requests live in a changelogged state store, not only in memory. Kafka Streams commits input
 * offsets on its own schedule, and with exactly-once the store's changelog, the embeddings written so far and
 * those offsets go in one transaction: a request is either still in the store after a crash (and embedded
 * after the restore) or its embedding was committed, never neither. So nothing has to be flushed before a
 * commit, and batches can be as large as the teacher likes. Store keys are the input offsets, zero-padded,
 * so a batch is taken oldest first. The teacher's inputs are kept in memory beside the store only to spare
 * preprocessing the frame twice; after a restore they are computed again.
 */
final class EmbeddingBatcher implements Processor<String, PreparedRequest, String, TeacherEmbedding> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingBatcher.class);

    private final TeacherModel teacher;
    private final InputSpec input;
    private final Batching batching;
    private final String storeName;
    private final TeacherCounters counters;
    private final Map<String, float[]> inputs = new HashMap<>();
    private ProcessorContext<String, TeacherEmbedding> context;
    private KeyValueStore<String, TeacherRequest> waiting;
    private int pending;
    private long arrivals;

    EmbeddingBatcher(
            TeacherModel teacher, InputSpec input, Batching batching, String storeName, TeacherCounters counters) {
        this.teacher = teacher;
        this.input = input;
        this.batching = batching;
        this.storeName = storeName;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, TeacherEmbedding> context) {
        this.context = context;
        this.waiting = context.getStateStore(storeName);
        try (KeyValueIterator<String, TeacherRequest> all = waiting.all()) {
            while (all.hasNext()) {
                all.next();
                pending++;
            }
        }
        if (pending > 0) {
            LOG.info(
                    "The teacher found {} requests of task {} still waiting from before a restart; they go in the next batch.",
                    pending,
                    context.taskId());
        }
        context.schedule(batching.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, PreparedRequest> record) {
        String key = context.recordMetadata()
                .map(m -> String.format("%019d", m.offset()))
                .orElseGet(() -> String.format("x%018d", arrivals));
        arrivals++;
        waiting.put(key, record.value().request());
        inputs.put(key, record.value().input());
        pending++;
        if (pending >= batching.size()) {
            flush();
        }
    }

    /** Embeds everything waiting, a batch at a time, oldest first. */
    private void flush() {
        while (pending > 0) {
            List<KeyValue<String, TeacherRequest>> batch = new ArrayList<>(Math.min(pending, batching.size()));
            try (KeyValueIterator<String, TeacherRequest> all = waiting.all()) {
                while (all.hasNext() && batch.size() < batching.size()) {
                    batch.add(all.next());
                }
            }
            if (batch.isEmpty()) {
                pending = 0;
                return;
            }
            embed(batch);
        }
    }

    private void embed(List<KeyValue<String, TeacherRequest>> batch) {
        float[][] images = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            KeyValue<String, TeacherRequest> entry = batch.get(i);
            float[] ready = inputs.remove(entry.key);
            // Intake already read this frame once, so reading it again after a restore cannot fail differently.
            images[i] = ready != null
                    ? ready
                    : FramePreprocessor.toInput(entry.value.getPair().getRgb(), input);
        }
        float[][] embeddings = teacher.encodeImages(images);
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (int i = 0; i < batch.size(); i++) {
            TeacherRequest request = batch.get(i).value;
            TeacherEmbedding embedding = TeacherEmbeddings.of(request, teacher.id(), embeddings[i], now);
            context.forward(new Record<>(
                    request.getPair().getDeviceId(),
                    embedding,
                    Math.min(request.getRequestTime().toEpochMilli(), now.toEpochMilli()))); // never ahead of now
            waiting.delete(batch.get(i).key);
        }
        pending -= batch.size();
        counters.batch(batch.size());
    }
}
