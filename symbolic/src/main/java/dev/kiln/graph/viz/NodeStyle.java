package dev.kiln.graph.viz;

import dev.kiln.graph.OpNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code mx.viz.plot_network} draws an op node: a label naming the op and its key attributes for the common
 * layers ({@code Convolution\n3x3/1x1, 64}, {@code FullyConnected\n128}, {@code Activation\nrelu},
 * {@code Pooling\nmax, 2x2/2x2}), the node's own name for every other op, and a fill colour per kind of op from
 * MXNet's eight-colour map.
 */
final class NodeStyle {
    /** MXNet's colour map: inputs, weighted layers, activations, BatchNorm, pooling, reshaping, softmax, others. */
    static final String INPUT = "#8dd3c7";
    static final String WEIGHTED = "#fb8072";
    static final String ACTIVATION = "#ffffb3";
    static final String NORMALIZATION = "#bebada";
    static final String POOLING = "#80b1d3";
    static final String RESHAPING = "#fdb462";
    static final String SOFTMAX = "#b3de69";
    static final String OTHER = "#fccde5";

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private NodeStyle() {
    }

    /** The label, with real line breaks; attributes as MXNet reads them from symbol JSON (explicit ones only). */
    static String label(OpNode n) {
        Map<String, String> a = n.paramStrings();
        return switch (n.op().name()) {
            case "Convolution" -> "Convolution\n" + dims(a.get("kernel"), "[]") + "/" + dims(a.get("stride"), "1")
                    + ", " + a.get("num_filter");
            case "FullyConnected" -> "FullyConnected\n" + a.get("num_hidden");
            case "Activation" -> "Activation\n" + a.get("act_type");
            case "LeakyReLU" -> "LeakyReLU\n" + a.getOrDefault("act_type", "Leaky");
            case "Pooling" -> "Pooling\n" + n.params().values().get("pool_type") + ", " + dims(a.get("kernel"), "[]")
                    + "/" + dims(a.get("stride"), "1");
            case "Custom" -> a.get("op_type");
            default -> n.name();
        };
    }

    /** The fill colour for the op's kind. */
    static String color(OpNode n) {
        return switch (n.op().name()) {
            case "Convolution", "FullyConnected" -> WEIGHTED;
            case "BatchNorm" -> NORMALIZATION;
            case "Activation", "LeakyReLU" -> ACTIVATION;
            case "Pooling" -> POOLING;
            case "Concat", "Flatten", "Reshape" -> RESHAPING;
            // MXNet's legacy Softmax op; here it is an alias of SoftmaxOutput, which nodes store
            case "SoftmaxOutput" -> SOFTMAX;
            default -> OTHER;
        };
    }

    /** The numbers of a tuple string joined by {@code x} ({@code (3, 3)} is {@code 3x3}), or {@code absent}. */
    private static String dims(String tuple, String absent) {
        if (tuple == null) {
            return absent;
        }
        List<String> nums = new ArrayList<>();
        Matcher m = DIGITS.matcher(tuple);
        while (m.find()) {
            nums.add(m.group());
        }
        return String.join("x", nums);
    }
}
