package dev.edgevl.device.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimiterTest {
    @Test
    void sendsWithinTheBoundDoNotWait() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(100);
        limiter.acquire(60, Duration.ZERO);
        limiter.acquire(40, Duration.ZERO);
        assertThat(limiter.inFlightBytes()).isEqualTo(100);
    }

    @Test
    void aSendBeyondTheBoundWaitsForAnAcknowledgement() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(100);
        limiter.acquire(80, Duration.ZERO);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                limiter.acquire(50, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(blocked).isNotDone();
        limiter.release(80);
        blocked.get(5, TimeUnit.SECONDS);
        assertThat(limiter.inFlightBytes()).isEqualTo(50);
    }

    @Test
    void waitingTooLongFailsWithAReason() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(100);
        limiter.acquire(100, Duration.ZERO);
        assertThatThrownBy(() -> limiter.acquire(1, Duration.ofMillis(50)))
                .isInstanceOf(InFlightLimiter.BackPressureTimeoutException.class)
                .hasMessageContaining("not acknowledged 100 bytes")
                .hasMessageContaining("keeping up");
    }

    @Test
    void aMessageLargerThanTheBoundGoesAloneRatherThanNever() throws Exception {
        InFlightLimiter limiter = new InFlightLimiter(100);
        limiter.acquire(500, Duration.ZERO);
        assertThatThrownBy(() -> limiter.acquire(1, Duration.ofMillis(20)))
                .isInstanceOf(InFlightLimiter.BackPressureTimeoutException.class);
        limiter.release(500);
        limiter.acquire(1, Duration.ZERO);
    }
}
