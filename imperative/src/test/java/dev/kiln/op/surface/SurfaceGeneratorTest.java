package dev.kiln.op.surface;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SurfaceGeneratorTest {

    /** A test op with inputs, a required tuple attribute and optional ones. */
    static final class Windowed extends OpDef {
        Windowed() {
            super("Windowed_Op", OpFamily.NN, List.of("data", "weight", "bias"),
                    List.of(AttrSpec.required("kernel", AttrType.TUPLE, "window"),
                            AttrSpec.of("no_bias", AttrType.BOOL, false, "drop the bias"),
                            AttrSpec.of("default", AttrType.INT, 1, "a keyword-named attribute")));
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.input(0));
        }
    }

    /** A variadic op with several outputs. */
    static final class Gather extends OpDef {
        Gather() {
            super("_gather_all", OpFamily.SHAPE, List.of("data"),
                    List.of(AttrSpec.of("num_args", AttrType.INT, 1, "number of inputs")));
        }

        @Override
        public int numOutputs(Attrs attrs) {
            return 2;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0), in.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.input(0), call.input(0));
        }
    }

    @Test
    void mxnetNamesBecomeCamelCaseMethodNames() {
        assertThat(SurfaceGenerator.javaName("FullyConnected")).isEqualTo("fullyConnected");
        assertThat(SurfaceGenerator.javaName("_random_uniform")).isEqualTo("randomUniform");
        assertThat(SurfaceGenerator.javaName("log_softmax")).isEqualTo("logSoftmax");
        assertThat(SurfaceGenerator.javaName("default")).isEqualTo("defaultOp");
    }

    @Test
    void generatedSurfaceCompilesWithTypedRequiredAttributesAndOptionOverloads() {
        Map<String, String> files = SurfaceGenerator.generate(List.of(new Windowed(), new Gather()));
        assertThat(files).containsKeys("F.java", "ND.java", "NnF.java", "ShapeF.java");
        String nn = files.get("NnF.java");
        assertThat(nn).contains("default T windowedOp(T data, T weight, T bias, dev.kiln.op.IntTuple kernel)");
        assertThat(nn).contains("java.util.Map<String, ?> options)");
        assertThat(files.get("ShapeF.java")).contains("default java.util.List<T> gatherAll(java.util.List<T> inputs)");
        assertThat(compile(files)).isEmpty();
    }

    @Test
    void twoOpsWithTheSameMethodNameAreRejected() {
        assertThatThrownBy(() -> SurfaceGenerator.generate(List.of(new Windowed(), new Windowed())))
                .hasMessageContaining("both map to method windowedOp()");
    }

    @Test
    void eagerBackendAppliesRegisteredOpsByNameWithCheckedAttributes() {
        dev.kiln.op.OpRegistry.global().register(new Windowed());
        NDArray x = NDArray.of(Shape.of(2), 1f, 2f);
        NDArray y = ND.nd.applyOne("Windowed_Op", Map.of("kernel", IntTuple.of(3)), List.of(x, x, x));
        assertThat(y.toFloatArray()).containsExactly(1f, 2f);
        assertThatThrownBy(() -> ND.nd.applyOne("Windowed_Op", Map.of(), List.of(x, x, x)))
                .hasMessageContaining("'kernel'").hasMessageContaining("required");
    }

    private static String compile(Map<String, String> files) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        files.forEach((name, text) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + SurfaceGenerator.PACKAGE.replace('.', '/') + "/" + name),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        StringWriter errors = new StringWriter();
        var fm = javac.getStandardFileManager(null, null, null);
        String cp = System.getProperty("java.class.path");
        boolean ok = javac.getTask(errors, fm, null, List.of("-proc:none", "-d",
                        System.getProperty("java.io.tmpdir") + "/kiln-surface-test", "-cp", cp), null, units)
                .call();
        return ok ? "" : errors.toString();
    }
}
