package dev.edgevl.teacher.requests;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.model.preprocess.FrameFormatException;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.streams.DeadLetterOutput;
import dev.edgevl.teacher.service.TeacherCounters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Admits a raw teacher request: it must decode, carry an RGB frame, and that frame must turn into the
 * teacher's input. Anything else goes byte for byte to {@code teacher.requests.dlq} with the reason.
 *
 * <p>A pair without an RGB frame is refused rather than embedded from its depth or thermal frame: the
 * teacher only understands RGB (it was trained on RGB images and their captions), so its embedding of a depth image would be a poor target to
 * distil towards. Preprocessing here, frame by frame, keeps one bad frame from failing a whole batch.
 */
final class RequestIntake implements Processor<byte[], byte[], Object, Object> {
    private final Deserializer<TeacherRequest> deserializer;
    private final InputSpec input;
    private final String batcherNode;
    private final DeadLetterOutput deadLetters;
    private final TeacherCounters counters;
    private ProcessorContext<Object, Object> context;

    RequestIntake(
            Deserializer<TeacherRequest> deserializer,
            InputSpec input,
            String batcherNode,
            DeadLetterOutput deadLetters,
            TeacherCounters counters) {
        this.deserializer = deserializer;
        this.input = input;
        this.batcherNode = batcherNode;
        this.deadLetters = deadLetters;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        PreparedRequest prepared;
        try {
            TeacherRequest request = deserializer.deserialize(Topics.TEACHER_REQUESTS.name(), record.value());
            prepared = new PreparedRequest(request, rgbInput(request));
        } catch (RecordDecodingException | UnusableRequestException e) {
            deadLetters.send(context, record, e);
            return;
        }
        context.forward(new Record<Object, Object>(key, prepared, record.timestamp()), batcherNode);
    }

    private float[] rgbInput(TeacherRequest request) {
        if (request == null) {
            throw new UnusableRequestException("The request is empty (a null value); the teacher needs a frame pair.");
        }
        SensorFrame rgb = request.getPair().getRgb();
        if (rgb == null) {
            throw new UnusableRequestException("The pair of device "
                    + request.getPair().getDeviceId() + " ("
                    + request.getPair().getAux().getModality() + " frame "
                    + request.getPair().getAux().getSequence() + ") has no RGB frame; the teacher only embeds RGB.");
        }
        try {
            return FramePreprocessor.toInput(rgb, input);
        } catch (FrameFormatException e) {
            throw new UnusableRequestException(
                    "The RGB frame " + rgb.getSensorId() + "#" + rgb.getSequence() + " of device " + rgb.getDeviceId()
                            + " cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
