package dev.kiln.graph.viz;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DotTest {
    /** MXNet's default node style, after the fill colour in attribute-name order. */
    private static final String BOX = "fixedsize=true height=0.8034 shape=box style=filled width=1.3";
    private static final String OVAL = "fixedsize=true height=0.8034 shape=oval style=filled width=1.3";

    private static String golden(String text) {
        return text.replace("@box", BOX).replace("@oval", OVAL);
    }

    @Test
    void mlpPlotsLikePlotNetworkWithWeightsHidden() {
        assertThat(Nets.mlp().toDot()).isEqualTo(golden("""
                digraph plot {
                  data [label=data fillcolor="#8dd3c7" @oval]
                  fc1 [label="FullyConnected\\n128" fillcolor="#fb8072" @box]
                  relu1 [label="Activation\\nrelu" fillcolor="#ffffb3" @box]
                  fc2 [label="FullyConnected\\n10" fillcolor="#fb8072" @box]
                  out_label [label=out_label fillcolor="#8dd3c7" @oval]
                  out [label=out fillcolor="#b3de69" @box]
                  fc1 -> data [arrowtail=open dir=back]
                  relu1 -> fc1 [arrowtail=open dir=back]
                  fc2 -> relu1 [arrowtail=open dir=back]
                  out -> fc2 [arrowtail=open dir=back]
                  out -> out_label [arrowtail=open dir=back]
                }
                """));
    }

    @Test
    void givenShapesLabelEdgesWithoutTheBatchDim() {
        String dot = Nets.mlp().toDot(Nets.mlpShapes());
        assertThat(dot).contains("  fc1 -> data [arrowtail=open dir=back label=200]\n",
                "  relu1 -> fc1 [arrowtail=open dir=back label=128]\n",
                "  out -> fc2 [arrowtail=open dir=back label=10]\n",
                // a rank-1 shape has nothing left after the batch dim, as in MXNet
                "  out -> out_label [arrowtail=open dir=back]\n");
    }

    @Test
    void convBatchNormReluPoolShowsKernelStrideFiltersAndPoolType() {
        assertThat(Nets.convBnReluPool().toDot(Nets.convShapes())).isEqualTo(golden("""
                digraph plot {
                  data [label=data fillcolor="#8dd3c7" @oval]
                  conv1 [label="Convolution\\n3x3/1, 16" fillcolor="#fb8072" @box]
                  bn1 [label=bn1 fillcolor="#bebada" @box]
                  relu1 [label="Activation\\nrelu" fillcolor="#ffffb3" @box]
                  pool1 [label="Pooling\\nmax, 2x2/2x2" fillcolor="#80b1d3" @box]
                  flat [label=flat fillcolor="#fdb462" @box]
                  conv1 -> data [arrowtail=open dir=back label="3x32x32"]
                  bn1 -> conv1 [arrowtail=open dir=back label="16x32x32"]
                  relu1 -> bn1 [arrowtail=open dir=back label="16x32x32"]
                  pool1 -> relu1 [arrowtail=open dir=back label="16x32x32"]
                  flat -> pool1 [arrowtail=open dir=back label="16x16x16"]
                }
                """));
    }

    @Test
    void showingWeightsDrawsParametersAndAuxiliaryStatesAsPlainOvals() {
        String dot = Nets.convBnReluPool().toDot(DotOptions.defaults().withHideWeights(false)
                .withShapes(Nets.convShapes()));
        for (String v : List.of("conv1_weight", "conv1_bias", "bn1_gamma", "bn1_beta", "bn1_moving_mean",
                "bn1_moving_var")) {
            assertThat(dot).contains("  " + v + " [label=" + v + " shape=oval]\n");
        }
        assertThat(dot).contains("  conv1 -> conv1_weight [arrowtail=open dir=back label=\"3x3x3\"]\n",
                "  bn1 -> bn1_moving_var [arrowtail=open dir=back]\n");
        assertThat(DotReader.read(dot).edges()).hasSize(5 + 6);
        assertThat(DotReader.read(Nets.convBnReluPool().toDot()).nodes()).doesNotContainKeys("conv1_weight",
                "bn1_moving_mean");
    }

    @Test
    void weightsAreRecognisedByTheInputTheyFeedAsWellAsByName() {
        Symbol fc = sym.fullyConnected(Symbol.var("x"), Symbol.var("w"), Symbol.var("b"), 4, Map.of("name", "fc"));
        Symbol y = sym.broadcastMul(fc, Symbol.var("scale_gamma"), Map.of("name", "mul"));
        assertThat(DotReader.read(y.toDot()).nodes()).containsOnlyKeys("x", "fc", "mul");
    }

    @Test
    void multiOutputEdgesNameTheOutputTheyRead() {
        String dot = Nets.split().toDot(Map.of("x", Shape.of(4, 6)));
        assertThat(dot).contains("  sp -> x [arrowtail=open dir=back label=6]\n",
                "  add -> sp [arrowtail=open dir=back label=\"[0] 3\"]\n",
                "  add -> sp [arrowtail=open dir=back label=\"[1] 3\"]\n");
        assertThat(Nets.split().toDot()).contains("  add -> sp [arrowtail=open dir=back label=\"[1]\"]\n");
    }

    @Test
    void partialShapesPrintUnknownDimsAsQuestionMarks() {
        Symbol r = sym.relu(Symbol.var("x"), Map.of("name", "r"));
        Symbol y = sym.broadcastAdd(r, Symbol.var("b"), Map.of("name", "add"));
        String dot = y.toDot(Map.of("x", Shape.of(0, 5, 0)));
        // b stays unknown: nothing constrains the other side of a broadcast
        assertThat(dot).contains("  r -> x [arrowtail=open dir=back label=\"5x?\"]\n",
                "  add -> b [arrowtail=open dir=back label=\"?\"]\n");
    }

    @Test
    void dtypesFollowTheShapeInParentheses() {
        String dot = Nets.mlp().toDot(DotOptions.defaults().withShapes(Nets.mlpShapes())
                .withTypes(Map.of("data", DType.FLOAT16, "out_label", DType.FLOAT16)));
        assertThat(dot).contains("  fc1 -> data [arrowtail=open dir=back label=\"200(float16)\"]\n",
                "  out -> out_label [arrowtail=open dir=back label=\"(float16)\"]\n");
    }

    @Test
    void titleAndNodeAttributesOverrideTheDefaultsButNotShapeOrColour() {
        String dot = Nets.mlp().toDot(DotOptions.defaults().withTitle("my net")
                .withNodeAttrs(Map.of("fixedsize", "false", "shape", "ellipse", "fillcolor", "red")));
        assertThat(dot).startsWith("digraph \"my net\" {\n").contains(
                "  data [label=data fillcolor=\"#8dd3c7\" fixedsize=false height=0.8034 shape=oval style=filled "
                        + "width=1.3]\n",
                "  fc1 [label=\"FullyConnected\\n128\" fillcolor=\"#fb8072\" fixedsize=false height=0.8034 "
                        + "shape=ellipse style=filled width=1.3]\n");
        assertThatThrownBy(() -> DotOptions.defaults().withTitle("")).isInstanceOf(KilnException.class)
                .hasMessageContaining("title");
    }

    @Test
    void namesWithSpecialCharactersAreQuotedAndEscaped() {
        List<String> names = List.of("my data", "a\"b", "c\\d", "node", "数据", "2x", "-1.5", "x_1");
        Symbol sum = Symbol.var(names.get(0));
        for (int i = 1; i < names.size(); i++) {
            sum = sym.elemwiseAdd(sum, Symbol.var(names.get(i)), Map.of("name", "add " + i));
        }
        String dot = sum.toDot(DotOptions.defaults().withTitle("t{1}"));
        assertThat(dot).startsWith("digraph \"t{1}\" {\n").contains(
                "  \"my data\" [label=\"my data\" ", "  \"a\\\"b\" [label=\"a\\\"b\" ",
                "  \"c\\\\d\" [label=\"c\\\\d\" ", "  \"node\" [label=\"node\" ", "  \"数据\" [label=\"数据\" ",
                "  \"2x\" [label=\"2x\" ", "  -1.5 [label=-1.5 ", "  x_1 [label=x_1 ",
                "  \"add 1\" -> \"my data\" [");
        DotReader.Digraph read = DotReader.read(dot);
        assertThat(read.title()).isEqualTo("t{1}");
        Map<String, Map<String, String>> nodes = read.nodes();
        assertThat(nodes).hasSize(names.size() + names.size() - 1);
        for (DotReader.Statement e : read.edges()) {
            assertThat(nodes).containsKeys(e.ids().get(0), e.ids().get(1));
        }
        for (Map<String, String> attrs : nodes.values()) {
            // Graphviz shows a label's \\ as one backslash
            String shown = attrs.get("label").replace("\\\\", "\\");
            assertThat(names.contains(shown) || shown.startsWith("add ")).as(shown).isTrue();
        }
    }

    @Test
    void lineBreaksInNamesBecomeDotLineBreaks() {
        assertThat(DotText.quoted("a\nb\tc")).isEqualTo("\"a\\nb c\"");
        assertThat(DotText.id("Graph")).isEqualTo("\"Graph\"");
        assertThat(DotText.id("_a9")).isEqualTo("_a9");
        assertThat(DotText.id("1.")).isEqualTo("1.");
        assertThat(DotText.id("1.2.3")).isEqualTo("\"1.2.3\"");
    }

    @Test
    void nodesSharingANameGetDistinctIds() {
        OpNode relu = new OpNode("r", OpRegistry.global().get("relu"), OpRegistry.global().get("relu").defaultAttrs(),
                List.of(new Entry(0, 0)));
        Graph g = new Graph(List.of(new Variable("r"), relu), List.of(new Entry(1, 0)));
        DotReader.Digraph read = DotReader.read(Dot.format(g, DotOptions.defaults()));
        assertThat(read.nodes()).containsOnlyKeys("r#0", "r#1");
        assertThat(read.edges().get(0).ids()).containsExactly("r#1", "r#0");
    }

    @Test
    void outputIsDeterministic() {
        assertThat(Nets.convBnReluPool().toDot(Nets.convShapes()))
                .isEqualTo(Nets.convBnReluPool().toDot(Nets.convShapes()));
    }
}
