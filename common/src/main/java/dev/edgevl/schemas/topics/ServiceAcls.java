package dev.edgevl.schemas.topics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may write what: one Kafka principal per service, each allowed only its own topics, consumer groups and
 * transactional ids (by the services' default names), for a cluster whose authorizer denies what no ACL allows. A
 * device may write frames and {@code fleet.status} and read the live models and labels, never write {@code models} or
 * {@code labels}; only the operator (the {@code edgevl} commands, the simulator's ground truth) writes those. The groups,
 * transactional ids and internal topics are the services' default names ({@code sync.application-id},
 * {@code inference.group-id}, {@code inference.transactional-id-prefix}, ...): whoever renames them widens the ACLs.
 */
public final class ServiceAcls {
    public static final String FRAME_SYNC = "frame-sync";
    public static final String STREAM_JOB = "stream-job";
    public static final String TEACHER = "teacher";
    public static final String DISTILLER = "distiller";
    public static final String DEVICE = "device";
    public static final String OPERATOR = "operator";
    public static final List<String> PRINCIPALS = List.of(FRAME_SYNC, STREAM_JOB, TEACHER, DISTILLER, DEVICE, OPERATOR);

    /** Each service's prefix for its groups, transactional ids and (Kafka Streams) internal topics. */
    private static final Map<String, String> PREFIXES = Map.of(
            FRAME_SYNC, "edgevl-frame-sync",
            STREAM_JOB, "edgevl-stream-inference",
            TEACHER, "edgevl-teacher",
            DISTILLER, "edgevl-distiller",
            DEVICE, "edgevl-device",
            OPERATOR, "edgevl-");

    private ServiceAcls() {}

    /** Every principal's ACLs, each once. */
    public static List<AclBinding> all() {
        Set<AclBinding> out = new LinkedHashSet<>();
        PRINCIPALS.forEach(p -> out.addAll(of(p)));
        return List.copyOf(out);
    }

    /** What {@code principal} may do, each ACL once. */
    public static List<AclBinding> of(String principal) {
        List<AclBinding> out = new ArrayList<>();
        switch (principal) {
            case FRAME_SYNC -> {
                reads(out, principal, Topics.FRAMES_RGB, Topics.FRAMES_AUX);
                writes(
                        out,
                        principal,
                        Topics.FRAMES_PAIRED,
                        Topics.FRAMES_RGB.deadLetter(),
                        Topics.FRAMES_AUX.deadLetter());
                internalTopics(out, principal);
            }
            case STREAM_JOB -> {
                reads(out, principal, Topics.FRAMES_PAIRED, Topics.MODELS, Topics.LABELS_EMBEDDED);
                Topic<?, ?>[] outputs = {
                    Topics.FRAMES_ANNOTATED, Topics.TEACHER_REQUESTS, Topics.FRAMES_PAIRED.deadLetter()
                };
                writes(out, principal, outputs);
                // Flink's exactly-once sink looks for its lingering transactions there at start (DescribeProducers).
                reads(out, principal, outputs);
            }
            case TEACHER -> {
                reads(out, principal, Topics.TEACHER_REQUESTS, Topics.LABELS);
                writes(
                        out,
                        principal,
                        Topics.TEACHER_EMBEDDINGS,
                        Topics.LABELS_EMBEDDED,
                        Topics.TEACHER_REQUESTS.deadLetter(),
                        Topics.LABELS.deadLetter());
                internalTopics(out, principal);
            }
            case DISTILLER -> {
                reads(
                        out,
                        principal,
                        Topics.TEACHER_EMBEDDINGS,
                        Topics.LABELS_EMBEDDED,
                        Topics.MODELS,
                        Topics.FRAMES_PAIRED);
                writes(out, principal, Topics.MODELS);
            }
            case DEVICE -> {
                reads(out, principal, Topics.MODELS, Topics.LABELS_EMBEDDED);
                writes(out, principal, Topics.FRAMES_RGB, Topics.FRAMES_AUX, Topics.FLEET_STATUS);
            }
            case OPERATOR -> {
                for (Topic<?, ?> t : Topics.withDeadLetters()) {
                    reads(out, principal, t);
                }
                writes(out, principal, Topics.LABELS, Topics.MODELS, Topics.SIM_TRUTH);
                out.add(allow(
                        principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.CREATE));
            }
            default ->
                throw new IllegalArgumentException(
                        "No principal '" + principal + "'; the services' principals are " + PRINCIPALS + ".");
        }
        String prefix = PREFIXES.get(principal);
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
            out.add(allow(principal, ResourceType.GROUP, prefix, PatternType.PREFIXED, op));
        }
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
            out.add(allow(principal, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, op));
        }
        out.add(allow(
                principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE));
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static void reads(List<AclBinding> out, String principal, Topic<?, ?>... topics) {
        for (Topic<?, ?> t : topics) {
            for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
                out.add(allow(principal, ResourceType.TOPIC, t.name(), PatternType.LITERAL, op));
            }
        }
    }

    private static void writes(List<AclBinding> out, String principal, Topic<?, ?>... topics) {
        for (Topic<?, ?> t : topics) {
            for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
                out.add(allow(principal, ResourceType.TOPIC, t.name(), PatternType.LITERAL, op));
            }
        }
    }

    /** A Kafka Streams service's changelog and repartition topics, named after its application id. */
    private static void internalTopics(List<AclBinding> out, String principal) {
        out.add(allow(principal, ResourceType.TOPIC, PREFIXES.get(principal), PatternType.PREFIXED, AclOperation.ALL));
    }

    private static AclBinding allow(
            String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }
}
