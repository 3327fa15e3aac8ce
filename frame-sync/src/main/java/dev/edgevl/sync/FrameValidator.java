package dev.edgevl.sync;

import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;

/** The checks a decoded frame must pass before frame sync will hold it: anything failing goes to the dead-letter topic. */
final class FrameValidator {
    private FrameValidator() {}

    /**
     * @param key    the record key as text, or null when the message had none
     * @param source the topic the frame came from
     * @throws InvalidFrameException saying what is wrong
     */
    static void check(SensorFrame frame, String key, FrameSource source) {
        String topic = source.topic().name();
        if (frame == null) {
            throw new InvalidFrameException("The message has no value; " + topic + " carries SensorFrame records.");
        }
        requireId(frame.getDeviceId(), "deviceId");
        requireId(frame.getSensorId(), "sensorId");
        if (key == null) {
            throw new InvalidFrameException("The message has no key; frames must be keyed by their deviceId ('"
                    + frame.getDeviceId() + "') so that all frames of a device meet in one partition.");
        }
        if (!key.equals(frame.getDeviceId())) {
            throw new InvalidFrameException(
                    "The key '" + key + "' is not the frame's deviceId '" + frame.getDeviceId()
                            + "'; frames must be keyed by their deviceId so that all frames of a device meet in one partition.");
        }
        Modality modality = frame.getModality();
        if (modality == Modality.UNKNOWN) {
            throw new InvalidFrameException(
                    "The frame's modality is unknown to this reader (a newer producer's modality?); "
                            + "frame sync cannot tell whether it is RGB.");
        }
        if (source.carriesRgb() && modality != Modality.RGB) {
            throw new InvalidFrameException("A " + modality + " frame arrived on " + topic
                    + ", which carries RGB frames only; " + "send non-RGB frames to "
                    + FrameSource.AUX.topic().name() + ".");
        }
        if (!source.carriesRgb() && modality == Modality.RGB) {
            throw new InvalidFrameException("An RGB frame arrived on " + topic + ", which carries non-RGB frames only; "
                    + "send RGB frames to " + FrameSource.RGB.topic().name() + ".");
        }
        if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
            throw new InvalidFrameException("The frame is " + frame.getWidth() + " x " + frame.getHeight()
                    + " pixels; width and height must be positive.");
        }
        if (frame.getCaptureTime().getEpochSecond() < 0) {
            throw new InvalidFrameException("The capture time " + frame.getCaptureTime()
                    + " is before 1970; the sensor clock " + "is not set.");
        }
        if (frame.getSequence() < 0) {
            throw new InvalidFrameException("The sequence number " + frame.getSequence()
                    + " is negative; sensors count frames " + "from 0 up.");
        }
        checkPixels(frame);
    }

    private static void checkPixels(SensorFrame frame) {
        PixelEncoding encoding = frame.getEncoding();
        int bytes = frame.getData().remaining();
        int bytesPerPixel =
                switch (encoding) {
                    case RGB8 -> 3;
                    case GRAY8 -> 1;
                    case DEPTH16_MM, THERMAL16_CK -> 2;
                    case PNG, JPEG -> 0; // compressed: the size cannot be checked without decoding
                    case UNKNOWN ->
                        throw new InvalidFrameException(
                                "The pixel encoding is unknown to this reader (a newer producer's "
                                        + "encoding?), so the frame cannot be used.");
                };
        if (bytesPerPixel == 0) {
            if (bytes == 0) {
                throw new InvalidFrameException("The " + encoding + " frame has no image bytes.");
            }
            return;
        }
        long expected = (long) frame.getWidth() * frame.getHeight() * bytesPerPixel;
        if (bytes != expected) {
            throw new InvalidFrameException("The " + encoding + " frame of " + frame.getWidth() + " x "
                    + frame.getHeight()
                    + " pixels has " + bytes + " bytes of pixels; it needs exactly " + expected + " (" + bytesPerPixel
                    + " per pixel, no padding).");
        }
    }

    private static void requireId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw new InvalidFrameException("The frame's " + field + " is blank.");
        }
        if (id.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFrameException("The frame's " + field + " '" + id.replaceAll("\\p{Cntrl}", "?")
                    + "' contains control characters; ids must be printable.");
        }
    }
}
