package dev.kiln.parallel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuPlacementTest {
    private static final String UNAVAILABLE = "thread placement needs Linux and native access "
            + "(the build's test JVMs get --enable-native-access=ALL-UNNAMED)";

    @Test
    void theCurrentCpuIsAKernelCpuNumberWherePlacementIsAvailable() {
        assumeTrue(CpuPlacement.isAvailable(), UNAVAILABLE);
        assertThat(CpuPlacement.currentCpu()).isBetween(0, CpuPlacement.MASK_BYTES * 8 - 1);
    }

    @Test
    void placementIsAvailableOnLinuxTestJvms() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"),
                "placement is Linux-only");
        assumeTrue(CpuPlacement.class.getModule().isNativeAccessEnabled(), "this JVM was not given native access");
        assertThat(CpuPlacement.isAvailable()).isTrue();
    }

    @Test
    void aThreadThatAvoidsItsCpuRunsOnAnotherOne() throws Exception {
        assumeTrue(CpuPlacement.isAvailable(), UNAVAILABLE);
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs to move between");
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            CpuPlacement.Mover mover = new CpuPlacement.Mover();
            int before = CpuPlacement.currentCpu();
            boolean moved = mover.avoid(before);
            int after = CpuPlacement.currentCpu();
            seen.set(new int[] {before, moved ? 1 : 0, after});
        });
        t.start();
        t.join();
        int[] r = seen.get();
        assertThat(r[1]).as("avoid took effect").isEqualTo(1);
        assertThat(r[2]).as("CPU after avoiding CPU %d", r[0]).isNotEqualTo(r[0]);
    }

    @Test
    void cpusOutsideTheAllowedSetAreNotAvoided() throws Exception {
        AtomicReference<boolean[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            CpuPlacement.Mover mover = new CpuPlacement.Mover();
            seen.set(new boolean[] {mover.avoid(-1), mover.avoid(CpuPlacement.MASK_BYTES * 8),
                    mover.avoid(Integer.MAX_VALUE)});
        });
        t.start();
        t.join();
        assertThat(seen.get()).containsOnly(false);
    }
}
