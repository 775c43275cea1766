package dev.kiln.policy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library modules (imperative, symbolic, parameter, compiler, hybrid, block, tornado) never write to the
 * console, never end the JVM and log only through {@code System.Logger}: their compiled classes are scanned with ASM
 * ({@link BytecodeRules}) and every offending class and method is named. The cli and bench modules, which are
 * programs, may print and exit and are not scanned.
 */
class LibraryCodePolicyTest {
    /** One public class per library module, to find where the module's classes were loaded from. */
    private static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("imperative", "dev.kiln.KilnException");
        MODULES.put("symbolic", "dev.kiln.symbol.Symbol");
        MODULES.put("parameter", "dev.kiln.parameter.Parameter");
        MODULES.put("compiler", "dev.kiln.compiler.Backends");
        MODULES.put("hybrid", "dev.kiln.hybrid.HybridizeOptions");
        MODULES.put("block", "dev.kiln.block.Block");
        MODULES.put("tornado", "dev.kiln.tornado.TornadoBackend");
    }

    private static final Map<String, List<BytecodeRules.Violation>> BY_MODULE = new LinkedHashMap<>();
    private static final Map<String, Integer> CLASS_COUNTS = new LinkedHashMap<>();
    private static final Map<String, Path> LOCATIONS = new LinkedHashMap<>();

    @BeforeAll
    static void scanTheLibraryModules() throws Exception {
        for (var m : MODULES.entrySet()) {
            Path location = Path.of(Class.forName(m.getValue()).getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            List<BytecodeRules.Violation> found = new ArrayList<>();
            int classes = scan(location, found);
            BY_MODULE.put(m.getKey(), found);
            CLASS_COUNTS.put(m.getKey(), classes);
            LOCATIONS.put(m.getKey(), location);
        }
    }

    @Test
    void everyLibraryModuleIsScannedFromItsOwnClasses() {
        assertThat(CLASS_COUNTS).hasSize(MODULES.size());
        assertThat(LOCATIONS.values()).doesNotHaveDuplicates();
        // the smallest module (hybrid) has 8 classes; a tiny count means the scan looked in the wrong place
        assertThat(CLASS_COUNTS.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
        assertThat(CLASS_COUNTS.get("imperative")).isGreaterThan(200);
    }

    @Test
    void libraryCodeNeverPrintsToTheConsoleOrEndsTheJvm() {
        List<String> offences = offences(v -> !v.what().startsWith("uses "));
        assertThat(offences).as("library classes that print, print stack traces or exit (cli and bench may)")
                .isEmpty();
    }

    @Test
    void libraryCodeLogsOnlyThroughSystemLogger() {
        List<String> offences = offences(v -> v.what().startsWith("uses "));
        assertThat(offences).as("library classes using a logging API other than System.Logger").isEmpty();
    }

    @Test
    void theScanNamesClassMethodAndRuleForEachForbiddenCall() throws IOException {
        List<String> found;
        try (InputStream in = Offender.class.getResourceAsStream("LibraryCodePolicyTest$Offender.class")) {
            found = BytecodeRules.check(in.readAllBytes()).stream().map(Object::toString).toList();
        }
        String cls = Offender.class.getName();
        assertThat(found).contains(
                cls + ".print(String): reads System.out (write to a sink the caller gives, or log)",
                cls + ".print(String): reads System.err (write to a sink the caller gives, or log)",
                cls + ".quit(int): calls System.exit (throw a KilnException instead)",
                cls + ".quit(int): calls Runtime.halt (throw a KilnException instead)",
                cls + ".trace(Exception): calls printStackTrace() (it prints to System.err; rethrow or log the "
                        + "exception)",
                cls + ".julLogger(): uses java.util.logging.Logger (log through System.Logger)");
        assertThat(found).anyMatch(s -> s.startsWith(cls + ".references(): calls printStackTrace()"));
        assertThat(found).noneMatch(s -> s.contains(".allowed("));
    }

    /** Forbidden calls of every kind, for the test that the scan sees them; never run. */
    @SuppressWarnings("unused")
    static final class Offender {
        void print(String s) {
            System.out.println(s);
            System.err.println(s);
        }

        void quit(int status) {
            System.exit(status);
            Runtime.getRuntime().halt(status);
        }

        void trace(Exception e) {
            e.printStackTrace();
        }

        Object julLogger() {
            return java.util.logging.Logger.getLogger("x");
        }

        java.util.function.Consumer<Throwable> references() {
            return Throwable::printStackTrace;
        }

        void allowed(Exception e, java.io.PrintWriter w) {
            System.getLogger("x").log(System.Logger.Level.DEBUG, "fine");
            e.printStackTrace(w);
        }
    }

    private static List<String> offences(java.util.function.Predicate<BytecodeRules.Violation> kind) {
        List<String> out = new ArrayList<>();
        BY_MODULE.forEach((module, vs) -> vs.stream().filter(kind).forEach(v -> out.add(module + ": " + v)));
        return out;
    }

    /** Checks every class under {@code location} (a classes folder or a jar); returns how many there were. */
    private static int scan(Path location, List<BytecodeRules.Violation> found) throws IOException {
        if (Files.isDirectory(location)) {
            return scanTree(location, found);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return scanTree(jar.getPath("/"), found);
        }
    }

    private static int scanTree(Path root, List<BytecodeRules.Violation> found) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> classes = files.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !p.getFileName().toString().equals("module-info.class")).sorted().toList();
            for (Path p : classes) {
                try {
                    found.addAll(BytecodeRules.check(Files.readAllBytes(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return classes.size();
        }
    }
}
