package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ServiceAclsTest {
    /** The topics {@code principal} may write, by name. */
    private static Set<String> writes(String principal) {
        return ServiceAcls.of(principal).stream()
                .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC
                        && b.pattern().patternType() == PatternType.LITERAL
                        && b.entry().operation() == AclOperation.WRITE)
                .map(b -> b.pattern().name())
                .collect(Collectors.toSet());
    }

    @Test
    void aDeviceWritesFramesAndItsReportsOnly() {
        assertThat(writes(ServiceAcls.DEVICE))
                .containsExactlyInAnyOrder(
                        Topics.FRAMES_RGB.name(), Topics.FRAMES_AUX.name(), Topics.FLEET_STATUS.name());
    }

    @Test
    void onlyTheDistillerAndTheOperatorWriteModelsAndOnlyTheOperatorLabels() {
        for (String principal : ServiceAcls.PRINCIPALS) {
            assertThat(writes(principal).contains(Topics.MODELS.name()))
                    .as(principal)
                    .isEqualTo(principal.equals(ServiceAcls.DISTILLER) || principal.equals(ServiceAcls.OPERATOR));
            assertThat(writes(principal).contains(Topics.LABELS.name()))
                    .as(principal)
                    .isEqualTo(principal.equals(ServiceAcls.OPERATOR));
        }
    }

    @Test
    void everyAclIsAnAllowForOneOfTheServicesAndListedOnce() {
        assertThat(ServiceAcls.all()).doesNotHaveDuplicates().allSatisfy((AclBinding b) -> {
            assertThat(b.entry().permissionType()).hasToString("ALLOW");
            assertThat(ServiceAcls.PRINCIPALS).contains(b.entry().principal().substring("User:".length()));
        });
        assertThatThrownBy(() -> ServiceAcls.of("intruder")).hasMessageContaining("No principal 'intruder'");
    }
}
