package dev.kiln.tornado.kernel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Generated kernel classes by content: a kernel is written once with a provisional name, its bytes hashed, and the
 * class named {@code dev.kiln.tornado.generated.K<hash>_<label>}, so the same op, attributes, shapes and flavour
 * always give the same binary name and one {@link KernelClass} object.
 */
final class KernelCache {
    /** The package of generated kernels (a class-path directory TornadoVM reads them from). */
    static final String PACKAGE = "dev.kiln.tornado.generated";

    private static final Map<String, KernelClass> CLASSES = new ConcurrentHashMap<>();

    private KernelCache() {
    }

    /**
     * The kernel {@code body} writes (parameters, then statements), its method named {@code k_<label>}: the prefix
     * keeps kernel names apart from OpenCL's built-in functions ({@code exp}, {@code tanh}, ...), which a kernel
     * named like one would clash with.
     */
    static KernelClass kernel(ArrayFlavor flavor, String label, Consumer<KernelWriter> body) {
        String method = "k_" + identifier(label);
        KernelClass draft = write(flavor, PACKAGE + ".K_" + method, method, body);
        String key = flavor + ":" + hash(draft.bytes());
        return CLASSES.computeIfAbsent(key, k ->
                write(flavor, PACKAGE + ".K" + k.substring(k.indexOf(':') + 1) + method.substring(1), method, body));
    }

    private static KernelClass write(ArrayFlavor flavor, String binaryName, String method,
                                     Consumer<KernelWriter> body) {
        KernelWriter w = new KernelWriter(flavor, binaryName, method);
        body.accept(w);
        return w.finish(binaryName);
    }

    /** {@code label} as a Java identifier: letters, digits and underscores, not starting with a digit. */
    static String identifier(String label) {
        StringBuilder sb = new StringBuilder();
        for (char ch : label.toCharArray()) {
            sb.append(Character.isLetterOrDigit(ch) && ch < 128 ? ch : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, 'k');
        }
        return sb.toString();
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** The content key of a string (for tests and listings). */
    static String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }
}
