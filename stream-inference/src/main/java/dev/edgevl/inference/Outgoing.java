package dev.edgevl.inference;

import java.util.Map;

/**
 * A record on its way out, already encoded, with the topic it goes to: annotations, teacher requests and dead
 * letters all leave through one exactly-once sink, so one transaction covers everything a checkpoint produced.
 */
public class Outgoing {
    public String topic;
    public byte[] key;
    public byte[] value;
    /** Record timestamp, ms; the frame's capture time for annotations and requests. */
    public long timestamp;
    /** Header names and values, alternating (dead letters carry the reason here); a flat array keeps this a Flink POJO. */
    public String[] headers;

    public Outgoing() {}

    public Outgoing(String topic, byte[] key, byte[] value, long timestamp, Map<String, String> headers) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
        this.headers = new String[headers == null ? 0 : 2 * headers.size()];
        if (headers != null) {
            int i = 0;
            for (Map.Entry<String, String> h : headers.entrySet()) {
                this.headers[i++] = h.getKey();
                this.headers[i++] = h.getValue();
            }
        }
    }

    @Override
    public String toString() {
        return "to " + topic + (headers.length == 0 ? "" : " " + java.util.Arrays.toString(headers));
    }
}
