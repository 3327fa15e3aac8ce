package dev.edgevl.model.preprocess;

/**
 * A frame whose bytes cannot be turned into a model input: wrong length for its size and encoding, an
 * encoding the preprocessor does not read, a zero size, or compressed data that does not decode. The
 * message is one sentence naming what was wrong, so a stream job can put it in a dead-letter header
 * as is. A frame that throws this will throw it again; retrying does not help.
 */
public class FrameFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public FrameFormatException(String message) {
        super(message);
    }

    public FrameFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
