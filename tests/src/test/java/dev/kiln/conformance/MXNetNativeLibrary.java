package dev.kiln.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds MXNet's shared libraries inside the {@code ai.djl.mxnet:mxnet-native-mkl} jar on the test class path and
 * unpacks them once into a cache directory, with no network. The libraries carry an {@code $ORIGIN} run path, so
 * {@code libmxnet.so} finds its OpenBLAS, gomp and gfortran beside it.
 *
 * <p>The cache is {@code -Dkiln.mxnet.cache=DIR} if given, else {@code $XDG_CACHE_HOME/kiln/mxnet-native} (by default
 * {@code ~/.cache/kiln/mxnet-native}); each build of the jar gets its own subdirectory, filled through a temporary
 * directory and an atomic rename so that concurrent test JVMs never see a half-written copy. If the cache cannot be
 * written, the copy goes under {@code java.io.tmpdir} instead.
 */
final class MXNetNativeLibrary {
    private static final String RESOURCE_DIR = "native/lib/";
    private static final String PROPERTIES = RESOURCE_DIR + "mxnet.properties";
    private static final String MAIN_LIBRARY = "libmxnet.so";

    private MXNetNativeLibrary() {
    }

    /** The path of an unpacked {@code libmxnet.so}, unpacking it first if this build is not yet in the cache. */
    static Path locate() {
        Properties props = jarProperties();
        String version = props.getProperty("version", "unknown").trim();
        String classifier = props.getProperty("classifier", "unknown").trim();
        List<String> libraries = new ArrayList<>();
        for (String name : props.getProperty("libraries", MAIN_LIBRARY).split(",")) {
            if (!name.isBlank()) {
                libraries.add(name.trim());
            }
        }
        String name = version + "-" + classifier;
        Path dir = cacheRoot().resolve(name);
        if (!isComplete(dir, libraries)) {
            try {
                unpack(dir, libraries);
            } catch (UncheckedIOException e) {
                // an unwritable cache (read-only home on a CI runner): fall back to the temporary directory
                dir = Path.of(System.getProperty("java.io.tmpdir"), "kiln-mxnet-native-" + System.getProperty(
                        "user.name"), name);
                if (!isComplete(dir, libraries)) {
                    unpack(dir, libraries);
                }
            }
        }
        return dir.resolve(MAIN_LIBRARY);
    }

    private static Properties jarProperties() {
        try (InputStream in = resource(PROPERTIES)) {
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES + " from the MXNet native jar", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = MXNetNativeLibrary.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path: the conformance tests need "
                    + "ai.djl.mxnet:mxnet-native-mkl:1.9.1 (classifier linux-x86_64) as a test dependency");
        }
        return in;
    }

    private static Path cacheRoot() {
        String explicit = System.getProperty("kiln.mxnet.cache");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kiln").resolve("mxnet-native");
    }

    private static boolean isComplete(Path dir, List<String> libraries) {
        for (String lib : libraries) {
            if (!Files.isRegularFile(dir.resolve(lib))) {
                return false;
            }
        }
        return true;
    }

    private static void unpack(Path dir, List<String> libraries) {
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".partial-");
            try {
                for (String lib : libraries) {
                    try (InputStream in = resource(RESOURCE_DIR + lib)) {
                        Files.copy(in, tmp.resolve(lib));
                    }
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    if (!isComplete(dir, libraries)) {
                        throw e;
                    }
                } catch (IOException e) {
                    // another JVM won the race and renamed its complete copy into place first
                    if (!isComplete(dir, libraries)) {
                        throw e;
                    }
                }
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the MXNet native libraries into " + dir, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
