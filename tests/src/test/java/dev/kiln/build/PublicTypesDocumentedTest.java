package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every type a published module shows other packages has a Javadoc comment, generated sources included (the op
 * surface in imperative/target/generated-sources). The Javadoc build itself fails only on doclint errors (broken
 * links, bad HTML, unknown tags); a missing comment is a warning there, so this test is what enforces the rule.
 */
class PublicTypesDocumentedTest {

    private static List<Path> sourceRoots(Reactor.Module module) {
        List<Path> roots = new ArrayList<>();
        Path main = module.path().resolve("src/main/java");
        if (Files.isDirectory(main)) {
            roots.add(main);
        }
        Path generated = module.path().resolve("target/generated-sources");
        if (Files.isDirectory(generated)) {
            try (Stream<Path> dirs = Files.list(generated)) {
                dirs.filter(Files::isDirectory).forEach(roots::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return roots;
    }

    private static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JavaFileObject> parseable(List<Path> files) {
        var fileManager = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, null, null);
        List<JavaFileObject> objects = new ArrayList<>();
        fileManager.getJavaFileObjectsFromPaths(files).forEach(objects::add);
        return objects;
    }

    @Test
    void everyVisibleTypeOfThePublishedModulesHasAJavadocComment() {
        List<Path> files = Reactor.modules().stream().filter(Reactor.Module::publishedJar)
                .flatMap(m -> sourceRoots(m).stream()).flatMap(r -> javaFiles(r).stream()).toList();
        assertThat(files).as("the generated op surface is checked too")
                .anyMatch(f -> f.endsWith(Path.of("generated-sources/op-surface/dev/kiln/op/surface/F.java")));
        assertThat(files).as("sources of the published modules").hasSizeGreaterThan(500);
        assertThat(UndocumentedTypes.in(parseable(files))).as("visible types without a Javadoc comment").isEmpty();
    }

    private static JavaFileObject source(String name, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }

    @Test
    void reportsUndocumentedVisibleTypesAndIgnoresHiddenOnes() {
        String code = """
                package p;

                /** Documented. */
                public class Outer {
                    public record Plain(int x) { }
                    /** Documented. */
                    public enum Mode { A }
                    protected static class Open { }
                    private static class Hidden { public static class Inner { } }
                    static class PackagePrivate { }
                    Object anonymous = new Object() { };
                    /** Documented. */
                    public interface Api { class ImplicitlyPublic { } }
                    void local() { class Local { } }
                    /* a plain comment is not Javadoc */
                    public static final class NotJavadoc { }
                }

                class Helper { public static class Nested { } }
                """;
        assertThat(UndocumentedTypes.in(List.of(source("Outer", code), source("Bare", "public interface Bare { }"))))
                .map(s -> s.substring(s.indexOf(": ") + 2))
                .containsExactlyInAnyOrder("p.Outer.Plain", "p.Outer.Open", "p.Outer.Api.ImplicitlyPublic",
                        "p.Outer.NotJavadoc", "Bare");
    }
}
