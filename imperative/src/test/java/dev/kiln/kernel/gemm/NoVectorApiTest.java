package dev.kiln.kernel.gemm;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class NoVectorApiTest {
    @Test
    void withoutTheVectorModuleGemmFallsBackToScalarAndLogsTheFixOnce() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path err = Files.createTempFile("kiln-novector", ".err");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                NoVectorApiMain.class.getName()))
                .redirectError(err.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(err);
        Files.deleteIfExists(err);

        assertThat(p.exitValue()).as(log).isZero();
        assertThat(out).contains("available=false").contains("c=[8.0, 10.0, 20.0, 22.0]");
        assertThat(log.split("--add-modules jdk.incubator.vector", -1)).hasSize(2);
        assertThat(new File(java)).exists();
    }
}
