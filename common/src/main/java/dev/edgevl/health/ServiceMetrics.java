package dev.edgevl.health;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The process's meters, in Prometheus's text format on {@code /metrics} of the health port ({@link HealthServer}):
 * the JVM's (memory, GC, threads, class loading, CPU, uptime, file descriptors), the Kafka clients' and Kafka Streams'
 * own metrics (Micrometer's binders, tagged with each client's id), and the project's counters, all named
 * {@code edgevl_*}.
 *
 * <p>One registry per process: a pod runs one service, so its {@code /metrics} is that service's; in {@code edgevl local}
 * every service shares the JVM and the project's meters say which service counted with their names and tags. Counters
 * are cumulative over the process's life, as Prometheus expects; a service closed and started again in the same JVM
 * (tests) keeps counting on from where it was.
 */
public final class ServiceMetrics {
    /** What Prometheus's text format 0.0.4 is served as. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final PrometheusMeterRegistry REGISTRY = create();

    private ServiceMetrics() {}

    private static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry); // listens to GC notifications for the life of the process
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    /** The registry every service of this process counts into. */
    public static MeterRegistry registry() {
        return REGISTRY;
    }

    /** Every meter, as Prometheus's text format 0.0.4. */
    public static String scrape() {
        return REGISTRY.scrape();
    }

    /** Answers a {@code GET} or {@code HEAD} of {@code /metrics} with {@link #scrape()}. */
    public static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /**
     * The counter {@code name} with {@code tags} (key, value, key, value ...); the same one every time it is asked for
     * with the same name and tags.
     */
    public static Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(REGISTRY);
    }

    /**
     * Follows a Kafka producer's or consumer's own metrics (tagged with its {@code client.id}) until
     * the returned handle is closed, which removes them; close it before the client.
     */
    public static KafkaClientMetrics kafkaClient(Object client) {
        KafkaClientMetrics metrics;
        if (client instanceof Producer<?, ?> producer) {
            metrics = new KafkaClientMetrics(producer);
        } else if (client instanceof Consumer<?, ?> consumer) {
            metrics = new KafkaClientMetrics(consumer);
        } else {
            throw new IllegalArgumentException(
                    "Not a Kafka client: " + client.getClass().getName());
        }
        metrics.bindTo(REGISTRY);
        return metrics;
    }
}
