package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.op.ElementwiseFormula;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.TraceClassVisitor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates, defines and caches the kernels of fused groups. Each kernel is a hidden class
 * ({@link MethodHandles.Lookup#defineHiddenClassWithClassData}) in this package, unloaded once nothing uses it; groups
 * computing the same expression (the same math objects wired the same way, whatever the node names) share one class.
 * With the system property {@code kiln.compiler.dump} set to a directory, every generated class is written there as
 * {@code <name>.class} with a readable listing {@code <name>.txt} (ASM's Textifier).
 */
public final class JitKernels {
    /** The system property naming the dump directory. */
    public static final String DUMP_PROPERTY = "kiln.compiler.dump";

    private static final System.Logger LOG = System.getLogger(JitKernels.class.getName());
    private static final int CACHE_SIZE = 512;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Map<Structure, FusedKernel> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Structure, FusedKernel> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private JitKernels() {
    }

    /** An expression without its node names: what decides the generated code. */
    private record Structure(DType dtype, int numInputs, List<ElementwiseFormula> formulas,
                             List<List<Integer>> operands, List<Integer> outputs,
                             List<FusedExpression.Access> accesses) {
        static Structure of(FusedExpression e) {
            List<ElementwiseFormula> f = new ArrayList<>();
            List<List<Integer>> o = new ArrayList<>();
            for (FusedExpression.Step s : e.steps()) {
                f.add(s.formula());
                o.add(s.operands());
            }
            return new Structure(e.dtype(), e.numInputs(), f, o, e.outputs(), e.accesses());
        }
    }

    /**
     * The generated kernel of {@code expr}, from the cache when an equal expression was compiled before; for one
     * unary op with an array form, that form ({@link BulkUnaryKernel}) instead of a generated loop.
     */
    public static FusedKernel kernel(FusedExpression expr) {
        BulkUnaryKernel bulk = BulkUnaryKernel.of(expr);
        if (bulk != null) {
            return bulk;
        }
        Structure key = Structure.of(expr);
        synchronized (CACHE) {
            FusedKernel k = CACHE.get(key);
            if (k != null) {
                return k;
            }
        }
        FusedKernel k = define(generate(expr));
        synchronized (CACHE) {
            FusedKernel raced = CACHE.putIfAbsent(key, k);
            return raced != null ? raced : k;
        }
    }

    /** The class for {@code expr} before definition (dumped when the dump property is set); for tests and tools. */
    static KernelGenerator.Generated generate(FusedExpression expr) {
        KernelGenerator.Generated g = KernelGenerator.generate(expr, newName(expr));
        dumpIfAsked(g.className(), g.bytes());
        return g;
    }

    /** {@code Fused_<last node>_<n>}, internal form, in this package. */
    private static String newName(FusedExpression expr) {
        return JitKernels.class.getPackageName().replace('.', '/') + "/Fused_"
                + KernelGenerator.identifier(expr.steps().getLast().name()) + "_" + COUNTER.incrementAndGet();
    }

    /** Defines the generated class as a hidden class and instantiates it. */
    static FusedKernel define(KernelGenerator.Generated g) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(g.bytes(),
                    g.classData(), true);
            return (FusedKernel) lookup.findConstructor(lookup.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new KilnException("the JIT could not define its generated class " + g.className() + ": " + e, e);
        }
    }

    /** A node name as a Java identifier (other characters become {@code _}), for generated member names. */
    public static String javaIdentifier(String name) {
        return KernelGenerator.identifier(name);
    }

    /** Writes {@code public <init>()} calling {@code Object()}: the constructor of every generated class. */
    public static void writeNoArgConstructor(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * The kernel classes the fused nodes of {@code graph} run, by simple class name, each as a readable listing: the
     * bytes the generator writes for the node's expression under the name of the class defined for it (a new name if
     * an equal expression is not in the cache any more). For tools and docs that show generated code.
     */
    public static Map<String, String> listings(Graph graph) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (n instanceof OpNode op) {
                for (FusedExpression e : expressions(op)) {
                    KernelGenerator.Generated g = KernelGenerator.generate(e, definedName(e));
                    out.put(g.className().substring(g.className().lastIndexOf('/') + 1), listing(g.bytes()));
                }
            }
        }
        return out;
    }

    private static List<FusedExpression> expressions(OpNode node) {
        return switch (node.op()) {
            case FusedElementwiseOp f -> List.of(f.expression());
            case FusedEpilogueOp f -> f.expression().steps().isEmpty() ? List.of() : List.of(f.expression());
            case FusedRowOp f -> f.program().stages().stream()
                    .<FusedExpression>mapMulti((s, sink) -> {
                        if (s instanceof RowProgram.Pointwise p) {
                            sink.accept(p.expression());
                        }
                    }).toList();
            default -> List.of();
        };
    }

    /** The internal name of the class defined for {@code expr}'s structure, or a new one if none is cached. */
    private static String definedName(FusedExpression expr) {
        FusedKernel k;
        synchronized (CACHE) {
            k = CACHE.get(Structure.of(expr));
        }
        if (k == null) {
            return newName(expr);
        }
        String name = k.getClass().getName();
        int hidden = name.indexOf('/');
        return (hidden < 0 ? name : name.substring(0, hidden)).replace('.', '/');
    }

    /** The class's readable listing (ASM's Textifier). */
    public static String listing(byte[] classBytes) {
        StringWriter text = new StringWriter();
        new ClassReader(classBytes).accept(new TraceClassVisitor(new PrintWriter(text)), 0);
        return text.toString();
    }

    /**
     * With the system property {@value #DUMP_PROPERTY} naming a directory, writes a generated class there as
     * {@code <simple name>.class} and its readable listing as {@code <simple name>.txt}; otherwise does nothing. Every
     * generator of the compiler (fused kernels, graph executors) dumps through here.
     */
    public static void dumpIfAsked(String internalName, byte[] bytes) {
        String dir = System.getProperty(DUMP_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            dump(internalName, bytes, Path.of(dir));
        }
    }

    private static void dump(String internalName, byte[] bytes, Path dir) {
        String simple = internalName.substring(internalName.lastIndexOf('/') + 1);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(simple + ".class"), bytes);
            Files.writeString(dir.resolve(simple + ".txt"), listing(bytes));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not dump the generated class " + simple + " to " + dir + ": "
                    + e.getMessage());
        }
    }
}
