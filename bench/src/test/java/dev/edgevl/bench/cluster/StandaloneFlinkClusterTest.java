package dev.edgevl.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a JobManager that exited at start is started again on other ports; no processes are started. */
class StandaloneFlinkClusterTest {
    @Test
    void aPortTakenBeforeTheJobManagerBoundItIsAClash() {
        assertThat(StandaloneFlinkCluster.portClash(
                        "Caused by: java.net.BindException: Could not start rest endpoint on any port in port range"
                                + " 46663\n\tat org.apache.flink.runtime.rest.RestServerEndpoint.start"))
                .as("the REST endpoint's words")
                .isTrue();
        assertThat(StandaloneFlinkCluster.portClash("Caused by: java.net.BindException: Address already in use"))
                .as("the RPC and blob servers' words")
                .isTrue();
        assertThat(StandaloneFlinkCluster.portClash(
                        "Caused by: java.lang.ClassNotFoundException: org.apache.flink.runtime.Missing"))
                .as("any other reason to exit is no clash")
                .isFalse();
    }
}
