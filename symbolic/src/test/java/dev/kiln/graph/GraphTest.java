package dev.kiln.graph;

import dev.kiln.KilnException;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphTest {
    private static final OpDef RELU = OpRegistry.global().get("relu");
    private static final OpDef ADD = OpRegistry.global().get("elemwise_add");

    private static OpNode relu(String name, int input) {
        return new OpNode(name, RELU, RELU.defaultAttrs(), List.of(new Entry(input, 0)));
    }

    @Test
    void nodesMustReadOnlyEarlierNodes() {
        assertThatThrownBy(() -> new Graph(List.of(relu("r", 0)), List.of(new Entry(0, 0))))
                .isInstanceOf(KilnException.class).hasMessageContaining("topological order");
    }

    @Test
    void entriesMustNameAnExistingOutput() {
        assertThatThrownBy(() -> new Graph(List.of(new Variable("x")), List.of(new Entry(0, 1))))
                .isInstanceOf(KilnException.class).hasMessageContaining("has 1 outputs");
    }

    @Test
    void opNodesCheckTheirInputCount() {
        assertThatThrownBy(() -> new OpNode("a", ADD, ADD.defaultAttrs(), List.of(new Entry(0, 0))))
                .isInstanceOf(KilnException.class).hasMessageContaining("'a' has 1 inputs but the op takes 2");
    }

    @Test
    void graphsBuiltTheSameWayAreEqual() {
        Symbol a = sym.relu(Symbol.var("x"), Map.of("name", "r"));
        Symbol b = sym.relu(Symbol.var("x"), Map.of("name", "r"));
        assertThat(a.graph()).isEqualTo(b.graph()).hasSameHashCodeAs(b.graph());
        Symbol c = sym.sigmoid(Symbol.var("x"), Map.of("name", "r"));
        assertThat(a.graph()).isNotEqualTo(c.graph());
    }

    @Test
    void valueNumbersKeepNodesMarkedDistinctAndWhatTheyFeedApart() {
        Graph g = new Graph(List.of(new Variable("x"), relu("r1", 0), relu("r2", 0), relu("s1", 1), relu("s2", 2)),
                List.of(new Entry(3, 0), new Entry(4, 0)));

        int[] vn = g.valueNumbers(i -> i == 2);

        assertThat(vn[1]).isNotEqualTo(vn[2]);
        assertThat(vn[3]).isNotEqualTo(vn[4]);
        assertThat(g.valueNumbers()[3]).isEqualTo(g.valueNumbers()[4]);
    }

    @Test
    void valueNumbersRecogniseEqualSubgraphsWhateverTheirNames() {
        Graph g = new Graph(List.of(new Variable("x"), relu("r1", 0), relu("r2", 0),
                new OpNode("s", ADD, ADD.defaultAttrs(), List.of(new Entry(1, 0), new Entry(2, 0))),
                new OpNode("t", ADD, ADD.defaultAttrs(), List.of(new Entry(2, 0), new Entry(1, 0)))),
                List.of(new Entry(3, 0), new Entry(4, 0)));
        int[] vn = g.valueNumbers();
        assertThat(vn[1]).isEqualTo(vn[2]);
        assertThat(vn[3]).isEqualTo(vn[4]);
        assertThat(vn[0]).isNotEqualTo(vn[1]);
    }

    @Test
    void pruningDropsNodesNoOutputNeedsAndRenumbers() {
        Graph g = new Graph(List.of(new Variable("x"), new Variable("unused"), relu("r", 0)),
                List.of(new Entry(2, 0)));
        Graph p = g.pruned();
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.node(1).inputs()).containsExactly(new Entry(0, 0));
        assertThat(p.outputs()).containsExactly(new Entry(1, 0));
    }

    @Test
    void nodeOrderIsDepthFirstPostOrderFromTheOutputs() {
        Symbol x = Symbol.var("x");
        Symbol y = Symbol.var("y");
        Symbol s = sym.elemwiseAdd(sym.relu(y, Map.of("name", "ry")), sym.relu(x, Map.of("name", "rx")),
                Map.of("name", "s"));
        assertThat(s.graph().nodes().stream().map(Node::name)).containsExactly("y", "ry", "x", "rx", "s");
        assertThat(s.graph().entryOffsets()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void textFormShowsOpsAttributesInputsAndNames() {
        Symbol fc = sym.fullyConnected(Symbol.var("x"), Symbol.var("w"), null, 3,
                Map.of("name", "fc", "no_bias", true));
        assertThat(fc.graph().toString()).isEqualTo("""
                %0 = var x
                %1 = var w
                %2 = FullyConnected[num_hidden=3, no_bias=True](%0, %1)  # fc
                outputs: %2
                """);
    }

    @Test
    void hiddenOutputsAreEntriesButNotSymbolOutputs() {
        Symbol d = sym.dropout(Symbol.var("x"), Map.of("name", "d", "p", 0.5));
        assertThat(d.numOutputs()).isEqualTo(1);
        assertThat(d.graph().node(1).numOutputs()).isEqualTo(2);
        assertThat(d.getInternals().listOutputs()).containsExactly("x", "d_output");
    }
}
