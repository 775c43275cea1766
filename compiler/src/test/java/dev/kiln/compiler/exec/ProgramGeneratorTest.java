package dev.kiln.compiler.exec;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.jit.JitKernels;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kiln.compiler.exec.ExecFixtures.assertSameBits;
import static dev.kiln.compiler.exec.ExecFixtures.inputs;
import static dev.kiln.compiler.exec.ExecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

class ProgramGeneratorTest {
    private static String verify(byte[] bytes) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), ProgramGeneratorTest.class.getClassLoader(), false,
                new PrintWriter(problems));
        return problems.toString();
    }

    private static GeneratedGraph compile(CompileRequest req) {
        return (GeneratedGraph) Backends.get(Backends.JIT).compile(req);
    }

    @Test
    void theGeneratedClassVerifiesAndCallsEveryOpNodeOnceInOrder() {
        Shape data = Shape.of(2, 3, 8, 8);
        GeneratedGraph g = compile(request(ExecFixtures.cnn(), Map.of("data", data), true, true, true, false));
        byte[] bytes = g.initial().generated().bytes();
        assertThat(verify(bytes)).isEmpty();
        String listing = JitKernels.listing(bytes);
        List<String> called = new ArrayList<>();
        Matcher m = Pattern.compile("GETSTATIC \\S+\\.s\\d+_(\\S+) :").matcher(listing);
        while (m.find()) {
            called.add(m.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (var n : g.compiledGraph().nodes()) {
            if (n instanceof OpNode) {
                expected.add(JitKernels.javaIdentifier(n.name()));
            }
        }
        assertThat(called).isEqualTo(expected);
        assertThat(listing).contains("public forward(Ldev/kiln/compiler/exec/Frame;)V")
                .contains("public backward(Ldev/kiln/compiler/exec/Frame;)V")
                .contains("INVOKEVIRTUAL dev/kiln/compiler/exec/NodeStep.run (Ldev/kiln/compiler/exec/Frame;)V")
                .contains("LOCALVARIABLE frame");
    }

    @Test
    void aLongGraphIsSplitIntoPartsThatEachVerify() {
        List<NodeStep> steps = new ArrayList<>();
        GeneratedGraph g = compile(request(ExecFixtures.mlp(), Map.of("data", Shape.of(2, 10)), false, false, true,
                true));
        NodeStep one = g.initial().generated().steps().get(0);
        int n = ProgramGenerator.CALLS_PER_METHOD * 2 + 3;
        for (int k = 0; k < n; k++) {
            steps.add(one);
        }
        byte[] bytes = ProgramGenerator.generate("long", steps, n - 1).bytes();
        assertThat(verify(bytes)).isEmpty();
        String listing = JitKernels.listing(bytes);
        assertThat(listing).contains("private static forward0(").contains("private static forward2(")
                .doesNotContain("forward3(").doesNotContain("backward0(");
        assertThat(Pattern.compile("INVOKEVIRTUAL").matcher(listing).results().count()).isEqualTo(n);
    }

    @Test
    void theDumpFlagWritesTheClassAndItsListing(@TempDir Path dir) throws Exception {
        System.setProperty(JitKernels.DUMP_PROPERTY, dir.toString());
        GeneratedGraph g;
        try {
            g = compile(request(ExecFixtures.mlp(), Map.of("data", Shape.of(2, 10)), false, false, true, true));
        } finally {
            System.clearProperty(JitKernels.DUMP_PROPERTY);
        }
        String name = g.initial().generated().className();
        String simple = name.substring(name.lastIndexOf('/') + 1);
        assertThat(Files.readAllBytes(dir.resolve(simple + ".class"))).isEqualTo(g.initial().generated().bytes());
        assertThat(Files.readString(dir.resolve(simple + ".txt"))).contains("INVOKEVIRTUAL").contains(simple);
    }

    @Test
    void eightThreadsCallingOneStaticAllocGraphEachGetTheSingleThreadResult() throws Exception {
        Shape data = Shape.of(2, 3, 8, 8);
        CompileRequest req = request(ExecFixtures.cnn(), Map.of("data", data), false, false, true, true);
        CompiledGraph g = compile(req);
        int threads = 8;
        List<NDArray[]> in = new ArrayList<>();
        List<NDArray[]> expected = new ArrayList<>();
        java.util.Random r = new java.util.Random(12);
        for (int t = 0; t < threads; t++) {
            in.add(inputs(r, req, data));
            expected.add(g.infer(in.get(t)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<NDArray[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                NDArray[] mine = in.get(t);
                results.add(pool.submit(() -> {
                    List<NDArray[]> outs = new ArrayList<>();
                    for (int call = 0; call < 40; call++) {
                        outs.add(g.infer(mine));
                    }
                    return outs;
                }));
            }
            for (int t = 0; t < threads; t++) {
                for (NDArray[] out : results.get(t).get()) {
                    assertSameBits(out, expected.get(t), "thread " + t);
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
