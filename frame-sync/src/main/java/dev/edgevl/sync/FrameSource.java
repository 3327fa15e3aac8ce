package dev.edgevl.sync;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;

/** The two input topics of frame sync and which frames belong on each. */
enum FrameSource {
    RGB(Topics.FRAMES_RGB, true),
    AUX(Topics.FRAMES_AUX, false);

    private final Topic<String, SensorFrame> topic;
    private final boolean rgb;

    FrameSource(Topic<String, SensorFrame> topic, boolean rgb) {
        this.topic = topic;
        this.rgb = rgb;
    }

    Topic<String, SensorFrame> topic() {
        return topic;
    }

    /** True for the topic of RGB frames, false for the one of non-RGB frames. */
    boolean carriesRgb() {
        return rgb;
    }
}
