package dev.kiln.compiler;

import dev.kiln.ndarray.Device;
import dev.kiln.testing.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which backend runs a graph whose arrays live on a device, when only the built-in (CPU) backends exist. */
class BackendsForDeviceTest {
    @Test
    void theBuiltInBackendsRunOnTheCpuOnly() {
        for (Backend b : Backends.available().values()) {
            assertThat(b.supports(Device.cpu())).as(b.name()).isTrue();
            assertThat(b.supports(Device.gpu(0))).as(b.name()).isFalse();
        }
    }

    @Test
    void cpuArraysKeepTheRequestedBackend() {
        Backend interpreter = Backends.get(Backends.INTERPRETER);
        assertThat(Backends.forDevice(Device.cpu(), interpreter)).isSameAs(interpreter);
    }

    @Test
    void gpuArraysWithoutAnAcceleratorBackendRunOnTheRequestedOneAndTheLogSaysSoOncePerDevice() {
        Backend jit = Backends.get(Backends.JIT);
        try (LogCapture logs = LogCapture.of(Backends.class.getName())) {
            assertThat(Backends.forDevice(Device.gpu(3), jit)).isSameAs(jit);
            assertThat(Backends.forDevice(Device.gpu(3), jit)).isSameAs(jit);
            assertThat(logs.records()).hasSize(1);
            assertThat(logs.records().get(0).getMessage()).contains("no compiler backend for arrays on gpu(3)",
                    "running on the CPU with the 'jit' backend");
        }
    }
}
