package dev.kiln.metric;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The metric names {@link EvalMetric#create(String)} knows (MXNet's {@code mx.metric.register}/{@code alias}):
 * every class under its lower-cased MXNet class name plus MXNet's aliases. Users may register their own.
 */
public final class MetricRegistry {
    private static final Map<String, Function<Options, EvalMetric>> FACTORIES = new ConcurrentHashMap<>();

    static {
        register(o -> new CompositeEvalMetric(o.string("name", "composite"), o.names("output_names"),
                o.names("label_names")), "compositeevalmetric", "composite");
        register(o -> new Accuracy(o.integer("axis", 1), o.string("name", "accuracy"), o.names("output_names"),
                o.names("label_names")), "accuracy", "acc");
        register(o -> new TopKAccuracy(o.integer("top_k", 1), o.string("name", "top_k_accuracy"),
                o.names("output_names"), o.names("label_names")), "topkaccuracy", "top_k_accuracy", "top_k_acc");
        register(o -> new F1(o.string("name", "f1"), o.names("output_names"), o.names("label_names"),
                Average.parse(o.string("average", "macro"))), "f1");
        register(o -> new MCC(o.string("name", "mcc"), o.names("output_names"), o.names("label_names"),
                Average.parse(o.string("average", "macro"))), "mcc");
        register(o -> new Perplexity(o.optionalInteger("ignore_label"), o.integer("axis", -1),
                o.string("name", "perplexity"), o.names("output_names"), o.names("label_names")), "perplexity");
        register(o -> new MAE(o.string("name", "mae"), o.names("output_names"), o.names("label_names")), "mae");
        register(o -> new MSE(o.string("name", "mse"), o.names("output_names"), o.names("label_names")), "mse");
        register(o -> new RMSE(o.string("name", "rmse"), o.names("output_names"), o.names("label_names")), "rmse");
        register(o -> new CrossEntropy(o.number("eps", 1e-12), o.string("name", "cross-entropy"),
                o.names("output_names"), o.names("label_names")), "crossentropy", "ce");
        register(o -> new NegativeLogLikelihood(o.number("eps", 1e-12), o.string("name", "nll-loss"),
                o.names("output_names"), o.names("label_names")), "negativeloglikelihood", "nll_loss");
        register(o -> new PearsonCorrelation(o.string("name", "pearsonr"), o.names("output_names"),
                o.names("label_names"), Average.parse(o.string("average", "macro"))), "pearsoncorrelation",
                "pearsonr");
        register(o -> new PCC(o.string("name", "pcc"), o.names("output_names"), o.names("label_names")), "pcc");
        for (String lossName : List.of("loss", "torch", "caffe")) {
            register(o -> new LossMetric(o.string("name", lossName), o.names("output_names"),
                    o.names("label_names")), lossName);
        }
    }

    private MetricRegistry() {
    }

    /**
     * Registers {@code factory} under {@code names} (case-insensitive); it receives the options given to
     * {@link EvalMetric#create(String, Map)} and must read every one it accepts (unread options are an error).
     */
    public static void register(Function<Options, EvalMetric> factory, String... names) {
        if (names.length == 0) {
            throw new KilnException("a metric factory needs at least one name");
        }
        for (String n : names) {
            FACTORIES.put(n.toLowerCase(Locale.ROOT), factory);
        }
    }

    /** Every registered name and alias, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    static EvalMetric create(String name, Map<String, ?> options) {
        if (name == null) {
            throw new KilnException("metric name is null; known metrics: " + names());
        }
        Function<Options, EvalMetric> factory = FACTORIES.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new KilnException("metric '" + name + "' is not registered; known metrics: " + names());
        }
        Options o = new Options(name, options);
        EvalMetric metric = factory.apply(o);
        o.requireAllRead();
        return metric;
    }

    /** A metric instance as it is, or one created from its name. */
    static EvalMetric of(Object metric) {
        if (metric instanceof EvalMetric m) {
            return m;
        }
        if (metric instanceof String s) {
            return create(s, Map.of());
        }
        throw new KilnException("a metric must be an EvalMetric or a registered name, got "
                + (metric == null ? "null" : metric.getClass().getSimpleName()));
    }

    /** The keyword arguments of one {@link EvalMetric#create(String, Map)} call, read by a metric factory. */
    public static final class Options {
        private final String metric;
        private final Map<String, ?> values;
        private final Set<String> read = new HashSet<>();

        Options(String metric, Map<String, ?> values) {
            this.metric = metric;
            this.values = values == null ? Map.of() : values;
        }

        private Object raw(String key) {
            read.add(key);
            return values.get(key);
        }

        /** A string option, or {@code fallback} when absent. */
        public String string(String key, String fallback) {
            Object v = raw(key);
            return v == null ? fallback : v.toString();
        }

        /** A number option, or {@code fallback} when absent. */
        public double number(String key, double fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(v.toString());
            } catch (NumberFormatException e) {
                throw new KilnException("metric '" + metric + "': option '" + key + "' must be a number, got '"
                        + v + "'");
            }
        }

        /** An integer option, or {@code fallback} when absent. */
        public int integer(String key, int fallback) {
            Integer v = optionalInteger(key);
            return v == null ? fallback : v;
        }

        /** An integer option, or {@code null} when absent or given as {@code null}/"None". */
        public Integer optionalInteger(String key) {
            Object v = raw(key);
            if (v == null || "None".equals(v)) {
                return null;
            }
            double d = v instanceof Number n ? n.doubleValue() : number(key, 0);
            if (d != Math.rint(d)) {
                throw new KilnException("metric '" + metric + "': option '" + key + "' must be an integer, got "
                        + v);
            }
            return (int) d;
        }

        /** A list-of-names option, or {@code null} when absent. */
        public List<String> names(String key) {
            Object v = raw(key);
            if (v == null) {
                return null;
            }
            if (v instanceof List<?> l) {
                List<String> out = new ArrayList<>();
                l.forEach(x -> out.add(String.valueOf(x)));
                return out;
            }
            return List.of(v.toString());
        }

        void requireAllRead() {
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(read);
            if (!unknown.isEmpty()) {
                throw new KilnException("metric '" + metric + "' does not take option(s) " + unknown
                        + "; it takes " + new TreeSet<>(read));
            }
        }
    }
}
