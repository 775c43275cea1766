package dev.kiln.modulecheck;

import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.block.SymbolBlock;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Dense;
import dev.kiln.op.surface.F;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * Run as {@code -m dev.kiln.modulecheck/dev.kiln.modulecheck.ModuleCheck <dir>}: prints, one fact per line, the
 * Kiln modules' exports as the boot layer resolved them, whether an internal package can be reached, and the results
 * of a hybridized (JIT) forward and an export/import round trip, for the test to check.
 */
public final class ModuleCheck {

    /** Two dense layers and a tanh; the layers are fields, registered by reflection (hence the opens). */
    static final class Net extends HybridBlock {
        private final Dense hidden = new Dense(5, "relu");
        private final Dense out = new Dense(3);

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return F.tanh(out.call(F, hidden.call(F, x)));
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        printModules();
        printInternalAccess();

        Net net = new Net();
        net.initialize();
        float[][] x = {{0.5f, -1f, 2f, 0.25f}, {-0.75f, 1.5f, 0f, -2f}};
        NDArray eager = net.forward(NDArray.from(x));
        net.hybridize(HybridizeOptions.defaults());
        NDArray hybrid = net.forward(NDArray.from(x));
        System.out.println("backend " + net.hybridizeOptions().orElseThrow().backend());
        System.out.println("backends " + dev.kiln.compiler.Backends.available().keySet());
        System.out.println("compiled " + net.compiledGraphs().size());
        double[] expected = byHand(net, x);
        System.out.println("hybrid-vs-loops " + maxDiff(hybrid.toDoubleArray(), expected));
        System.out.println("eager-vs-loops " + maxDiff(eager.toDoubleArray(), expected));

        ExportedFiles files = net.export(dir.resolve("net"), 0);
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        System.out.println("imported-vs-loops " + maxDiff(imported.forward(NDArray.from(x)).toDoubleArray(), expected));
        System.out.println("exported " + Files.isRegularFile(files.symbolFile()) + " " + Files.isRegularFile(files.paramsFile()));
    }

    private static void printModules() {
        ModuleLayer.boot().modules().stream().filter(m -> m.getName().startsWith("dev.kiln.")
                        && !m.getName().equals("dev.kiln.modulecheck"))
                .sorted(Comparator.comparing(Module::getName)).forEach(m -> {
                    for (ModuleDescriptor.Exports e : new TreeSet<>(m.getDescriptor().exports())) {
                        System.out.println(e.isQualified()
                                ? "qualified " + m.getName() + " " + e.source() + " " + String.join(",", new TreeSet<>(e.targets()))
                                : "exports " + m.getName() + " " + e.source());
                    }
                    if (m.getDescriptor().isOpen() || !m.getDescriptor().opens().isEmpty()) {
                        System.out.println("opens " + m.getName());
                    }
                });
        Module imperative = ModuleLayer.boot().findModule("dev.kiln.imperative").orElseThrow();
        Module vector = ModuleLayer.boot().findModule("jdk.incubator.vector").orElseThrow();
        System.out.println("imperative-reads-vector " + imperative.canRead(vector));
    }

    /** A public class with a public method in a package the imperative module keeps to itself. */
    private static void printInternalAccess() throws Exception {
        Class<?> internal = Class.forName("dev.kiln.kernel.simd.VectorSupport", false,
                ModuleCheck.class.getClassLoader());
        System.out.println("internal-exported " + internal.getModule().isExported("dev.kiln.kernel.simd",
                ModuleCheck.class.getModule()));
        try {
            internal.getMethod("isAvailable").invoke(null);
            System.out.println("internal-call allowed");
        } catch (IllegalAccessException expected) {
            System.out.println("internal-call refused");
        }
    }

    /** tanh(W2 relu(W1 x + b1) + b2) with plain loops over the parameters' values. */
    private static double[] byHand(Net net, float[][] x) {
        double[] w1 = net.hidden.weight().data().toDoubleArray();
        double[] b1 = net.hidden.bias().data().toDoubleArray();
        double[] w2 = net.out.weight().data().toDoubleArray();
        double[] b2 = net.out.bias().data().toDoubleArray();
        int in = x[0].length;
        int mid = b1.length;
        int outs = b2.length;
        double[] y = new double[x.length * outs];
        for (int n = 0; n < x.length; n++) {
            double[] h = new double[mid];
            for (int j = 0; j < mid; j++) {
                double s = b1[j];
                for (int i = 0; i < in; i++) {
                    s += w1[j * in + i] * x[n][i];
                }
                h[j] = Math.max(0, s);
            }
            for (int k = 0; k < outs; k++) {
                double s = b2[k];
                for (int j = 0; j < mid; j++) {
                    s += w2[k * mid + j] * h[j];
                }
                y[n * outs + k] = Math.tanh(s);
            }
        }
        return y;
    }

    private static double maxDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
