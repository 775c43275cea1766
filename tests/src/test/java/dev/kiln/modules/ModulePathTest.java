package dev.kiln.modules;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiln as named modules: the unit tests run on the class path, so this test compiles a small application module
 * ({@code src/test/resources/module-path-app}) against the built Kiln modules and runs it in a JVM of its own with
 * {@code --module-path}. It checks the exports the boot layer resolved against the documented list
 * (docs/ARCHITECTURE.md, "Modules and their exported packages"), that an internal package stays unreachable, and
 * that a hybridized block (JIT-generated hidden classes, the Vector API kernels) runs and exports there.
 */
class ModulePathTest {
    /** docs/ARCHITECTURE.md's table: "exports module package" and "qualified module package targets". */
    private static final Set<String> DOCUMENTED_EXPORTS = Set.of(
            "exports dev.kiln.imperative dev.kiln",
            "exports dev.kiln.imperative dev.kiln.anomaly",
            "exports dev.kiln.imperative dev.kiln.autograd",
            "exports dev.kiln.imperative dev.kiln.io",
            "exports dev.kiln.imperative dev.kiln.ndarray",
            "exports dev.kiln.imperative dev.kiln.op",
            "exports dev.kiln.imperative dev.kiln.op.creation",
            "exports dev.kiln.imperative dev.kiln.op.custom",
            "exports dev.kiln.imperative dev.kiln.op.rnn",
            "exports dev.kiln.imperative dev.kiln.op.surface",
            "exports dev.kiln.imperative dev.kiln.random",
            "qualified dev.kiln.imperative dev.kiln.op.elementwise dev.kiln.compiler,dev.kiln.tornado",
            "qualified dev.kiln.imperative dev.kiln.kernel.gemm dev.kiln.compiler",
            "qualified dev.kiln.imperative dev.kiln.op.image dev.kiln.block",
            "qualified dev.kiln.imperative dev.kiln.op.conv dev.kiln.compiler",
            "qualified dev.kiln.imperative dev.kiln.op.nn dev.kiln.compiler",
            "qualified dev.kiln.imperative dev.kiln.op.reduce dev.kiln.compiler,dev.kiln.tornado",
            "qualified dev.kiln.imperative dev.kiln.parallel dev.kiln.cli,dev.kiln.compiler",
            "exports dev.kiln.symbolic dev.kiln.graph",
            "exports dev.kiln.symbolic dev.kiln.graph.gradient",
            "exports dev.kiln.symbolic dev.kiln.graph.infer",
            "exports dev.kiln.symbolic dev.kiln.graph.json",
            "exports dev.kiln.symbolic dev.kiln.graph.viz",
            "exports dev.kiln.symbolic dev.kiln.symbol",
            "exports dev.kiln.parameter dev.kiln.init",
            "exports dev.kiln.parameter dev.kiln.naming",
            "exports dev.kiln.parameter dev.kiln.optimizer",
            "exports dev.kiln.parameter dev.kiln.optimizer.schedule",
            "exports dev.kiln.parameter dev.kiln.parameter",
            "exports dev.kiln.parameter dev.kiln.trainer",
            "exports dev.kiln.compiler dev.kiln.compiler",
            "qualified dev.kiln.compiler dev.kiln.compiler.jit dev.kiln.tornado",
            "qualified dev.kiln.compiler dev.kiln.compiler.pass dev.kiln.tornado",
            "qualified dev.kiln.compiler dev.kiln.compiler.stage dev.kiln.tornado",
            "exports dev.kiln.tornado dev.kiln.tornado",
            "exports dev.kiln.tornado dev.kiln.tornado.kernel",
            "exports dev.kiln.tornado dev.kiln.tornado.plan",
            "exports dev.kiln.tornado dev.kiln.tornado.runtime",
            "exports dev.kiln.hybrid dev.kiln.hybrid",
            "exports dev.kiln.block dev.kiln.block",
            "exports dev.kiln.block dev.kiln.data",
            "exports dev.kiln.block dev.kiln.data.vision",
            "exports dev.kiln.block dev.kiln.data.vision.transforms",
            "exports dev.kiln.block dev.kiln.estimator",
            "exports dev.kiln.block dev.kiln.loss",
            "exports dev.kiln.block dev.kiln.metric",
            "exports dev.kiln.block dev.kiln.nn",
            "exports dev.kiln.block dev.kiln.nn.conv",
            "exports dev.kiln.block dev.kiln.nn.metalhead",
            "exports dev.kiln.block dev.kiln.nn.norm",
            "exports dev.kiln.block dev.kiln.rnn");

    private static List<String> lines;
    private static String errors;
    private static String classLoading;

    @BeforeAll
    static void runTheApplicationOnTheModulePath(@TempDir Path dir) throws Exception {
        List<Path> modulePath = kilnModulePath();
        Path app = Path.of(ModulePathTest.class.getResource("/module-path-app").toURI());
        Path classes = dir.resolve("app");
        List<String> javac = new ArrayList<>(List.of("--module-path", join(modulePath), "-d", classes.toString()));
        try (Stream<Path> sources = Files.walk(app)) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
        }
        StringWriter compilerOutput = new StringWriter();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(new PrintWriter(compilerOutput),
                new PrintWriter(compilerOutput), javac.toArray(String[]::new));
        assertThat(rc).as("javac of the module-path application:\n%s", compilerOutput).isZero();

        List<Path> runPath = new ArrayList<>(modulePath);
        runPath.add(classes);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Path loads = dir.resolve("class-load.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + loads,
                "--module-path", join(runPath),
                "-m", "dev.kiln.modulecheck/dev.kiln.modulecheck.ModuleCheck", dir.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = child.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            child.destroyForcibly();
        }
        lines = Files.readAllLines(out);
        errors = Files.readString(err);
        classLoading = Files.exists(loads) ? Files.readString(loads) : "";
        assertThat(done).as("the module-path JVM finished in time").isTrue();
        assertThat(child.exitValue()).as("exit status; stdout:\n%s\nstderr:\n%s", lines, errors).isZero();
    }

    @Test
    void exportedPackagesAreExactlyTheDocumentedApi() {
        Set<String> exports = new LinkedHashSet<>();
        for (String line : lines) {
            if (line.startsWith("exports ") || line.startsWith("qualified ")) {
                exports.add(line);
            }
        }
        assertThat(exports).containsExactlyInAnyOrderElementsOf(DOCUMENTED_EXPORTS);
        assertThat(lines).as("no Kiln library module opens packages").noneMatch(l -> l.startsWith("opens "));
    }

    @Test
    void internalPackagesCannotBeReached() {
        assertThat(lines).contains("internal-exported false", "internal-call refused");
    }

    @Test
    void vectorApiIsReadByTheImperativeModule() {
        assertThat(lines).contains("imperative-reads-vector true");
        assertThat(errors).as("stderr of the module-path JVM").doesNotContain("scalar fallback");
    }

    @Test
    void theTornadoBackendIsFoundThroughServiceBindingOnTheModulePath() {
        assertThat(lines).contains("backends [interpreter, interpreter-opt, jit, tornado]");
    }

    @Test
    void hybridizedBlockRunsTheJitAndExportsOnTheModulePath() {
        assertThat(lines).contains("backend jit", "compiled 1", "exported true true");
        assertThat(classLoading).as("the JIT's fused kernels, hidden classes in the compiler module")
                .containsPattern("dev\\.kiln\\.compiler\\.jit\\.Fused_\\w+/0x\\p{XDigit}+ source: __JVM_LookupDefineClass__");
        assertThat(value("hybrid-vs-loops")).isLessThan(1e-5);
        assertThat(value("eager-vs-loops")).isLessThan(1e-5);
        assertThat(value("imported-vs-loops")).isLessThan(1e-5);
    }

    private static double value(String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .orElseThrow(() -> new AssertionError("no '" + key + "' line in " + lines + "\n" + errors));
    }

    /**
     * The Kiln modules and their library modules from this test's class path, as a module path: every entry that is
     * a module (test classes and test jars are not), then what dev.kiln.block requires, transitively.
     */
    private static List<Path> kilnModulePath() throws IOException {
        Map<String, Path> byName = new HashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            boolean testOutput = p.getFileName().toString().endsWith("-tests.jar") || p.endsWith("test-classes");
            if (!Files.exists(p) || testOutput || Files.isDirectory(p) && !Files.exists(p.resolve("module-info.class"))) {
                continue;
            }
            try {
                ModuleFinder.of(p).findAll().forEach(m -> byName.putIfAbsent(m.descriptor().name(), p));
            } catch (FindException notAModule) {
                // a jar with no usable module name: nothing Kiln needs
            }
        }
        Set<Path> path = new LinkedHashSet<>();
        // the tornado backend joins through service binding (it provides dev.kiln.compiler.Backend)
        Deque<String> todo = new ArrayDeque<>(List.of("dev.kiln.block", "dev.kiln.tornado"));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            Path p = byName.get(name);
            if (p == null || !path.add(p)) {
                continue; // a JDK module, or already there
            }
            ModuleDescriptor d = ModuleFinder.of(p).find(name).orElseThrow().descriptor();
            d.requires().stream().filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .forEach(r -> todo.push(r.name()));
        }
        assertThat(path).as("Kiln modules found on the class path").hasSizeGreaterThanOrEqualTo(7);
        return new ArrayList<>(path);
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
