package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what Kiln and MXNet infer for one graph (the same graph on both sides, its names in MXNet's list orders),
 * collecting every disagreement as a line of text. From complete inputs both must infer the same arguments, outputs
 * and auxiliary states, or both fail. From partial inputs Kiln must know everything MXNet knows; it may know more,
 * which a {@link Tally} counts.
 */
final class InferenceComparison {
    private final String subject;
    private final Names names;
    private final Tally tally;
    private final List<String> problems = new ArrayList<>();

    /** Argument, output and auxiliary-state names, for messages. */
    record Names(List<String> arguments, List<String> outputs, List<String> auxiliaryStates) {
    }

    /** Inferred values in list order; {@code null}, or a shape with unknowns, where unknown. */
    record Values<V>(List<V> arguments, List<V> outputs, List<V> auxiliaryStates) {
        static <V> Values<V> of(InferenceResult<V> r) {
            return new Values<>(r.arguments(), r.outputs(), r.auxiliaryStates());
        }

        static Values<Shape> of(MXSymbol.Shapes s) {
            return s == null ? null : new Values<>(s.arguments(), s.outputs(), s.auxiliaryStates());
        }

        static Values<DType> of(MXSymbol.Types t) {
            return new Values<>(t.arguments(), t.outputs(), t.auxiliaryStates());
        }
    }

    /** One library's inference from given values by name; throws that library's exception on invalid input. */
    interface Inference<V> {
        Values<V> infer(Map<String, V> given);
    }

    /** Shapes or dtypes: how a partial value of Kiln's relates to MXNet's. */
    enum Kind {
        SHAPE, DTYPE;

        Verdict verdict(Object kiln, Object mxnet) {
            return this == SHAPE ? shapeVerdict((Shape) kiln, (Shape) mxnet) : typeVerdict((DType) kiln, (DType) mxnet);
        }
    }

    /** How Kiln's value relates to MXNet's where either may be partly unknown. */
    enum Verdict { SAME, KILN_KNOWS_MORE, CONFLICT }

    /** Counts over many comparisons, by kind and by subject, for the report. */
    static final class Tally {
        private final int[] compared = new int[Kind.values().length];
        private final int[] kilnKnowsMore = new int[Kind.values().length];
        private final Map<String, Integer> kilnKnowsMoreBySubject = new TreeMap<>();
        private final Map<String, Integer> mxnetPartialFailures = new TreeMap<>();

        @Override
        public synchronized String toString() {
            return "partial inference: Kiln knows more than MXNet for " + kilnKnowsMore[0] + " of " + compared[0]
                    + " shapes and " + kilnKnowsMore[1] + " of " + compared[1] + " dtypes " + kilnKnowsMoreBySubject
                    + "; MXNet's partial inference fails (nothing to compare) " + mxnetPartialFailures;
        }
    }

    InferenceComparison(String subject, Names names, Tally tally) {
        this.subject = subject;
        this.names = names;
        this.tally = tally;
    }

    List<String> problems() {
        return problems;
    }

    /** Records a disagreement that is not about inferred values (names, say). */
    void problem(String line) {
        problems.add(line);
    }

    /**
     * Inference from complete inputs: the same values, or both libraries fail (Kiln's partial inference must then
     * raise an error, not just stop). Returns whether MXNet accepts the inputs.
     */
    <V> boolean full(String what, Map<String, V> given, Inference<V> mxnet, Inference<V> kiln,
                     Inference<V> kilnPartial) {
        Values<V> expected;
        try {
            expected = mxnet.infer(given);
        } catch (MXNetException e) {
            try {
                problems.add(what + " from " + given + ": MXNet rejects them (" + e.mxnetMessage()
                        + ") but Kiln infers " + kilnPartial.infer(given));
            } catch (KilnException expectedToo) {
                // both reject
            }
            return false;
        }
        if (expected == null) {
            problems.add(what + " from " + given + ": MXNet's inference is incomplete");
            return true;
        }
        Values<V> actual = kilnWhereMXNetSucceeds(what, given, kiln, expected);
        if (actual == null) {
            return true;
        }
        same(what + " of the arguments from " + given, actual.arguments(), expected.arguments());
        same(what + " of the outputs from " + given, actual.outputs(), expected.outputs());
        same(what + " of the aux states from " + given, actual.auxiliaryStates(), expected.auxiliaryStates());
        return true;
    }

    /**
     * Inference from partial inputs: wherever MXNet knows a value (a rank, a dim, a dtype) Kiln must know the same.
     * Where MXNet fails on partial inputs there is nothing to compare: when it accepts their full form its rule read
     * an unknown value (an MXNet bug); otherwise it found the inputs' error early, which Kiln may find only later.
     */
    <V> void partial(Kind kind, String what, Map<String, V> given, Inference<V> mxnet, Inference<V> kiln) {
        Values<V> expected;
        try {
            expected = mxnet.infer(given);
        } catch (MXNetException e) {
            synchronized (tally) {
                tally.mxnetPartialFailures.merge(subject, 1, Integer::sum);
            }
            return;
        }
        Values<V> actual = kilnWhereMXNetSucceeds(what, given, kiln, expected);
        if (actual == null) {
            return;
        }
        String from = what + " from " + given;
        int more = agreeWhereKnown(kind, from + ", argument", names.arguments(), actual.arguments(),
                expected.arguments())
                + agreeWhereKnown(kind, from + ", output", names.outputs(), actual.outputs(), expected.outputs())
                + agreeWhereKnown(kind, from + ", aux state", names.auxiliaryStates(), actual.auxiliaryStates(),
                expected.auxiliaryStates());
        synchronized (tally) {
            tally.compared[kind.ordinal()] += expected.arguments().size() + expected.outputs().size()
                    + expected.auxiliaryStates().size();
            tally.kilnKnowsMore[kind.ordinal()] += more;
            if (more > 0) {
                tally.kilnKnowsMoreBySubject.merge(subject, more, Integer::sum);
            }
        }
    }

    /** Kiln's inference, or null with a problem recorded if it fails where MXNet inferred {@code expected}. */
    private <V> Values<V> kilnWhereMXNetSucceeds(String what, Map<String, V> given, Inference<V> kiln,
                                                 Values<V> expected) {
        try {
            return kiln.infer(given);
        } catch (KilnException e) {
            problems.add(what + " from " + given + ": Kiln fails (" + e.getMessage() + ") but MXNet infers "
                    + expected);
            return null;
        }
    }

    /** Adds a problem for each conflicting value; returns how many Kiln knows more of. */
    private <V> int agreeWhereKnown(Kind kind, String what, List<String> names, List<V> kiln, List<V> mxnet) {
        if (kiln.size() != mxnet.size()) {
            problems.add(what + "s: Kiln has " + kiln.size() + ", MXNet " + mxnet.size());
            return 0;
        }
        int more = 0;
        for (int i = 0; i < kiln.size(); i++) {
            switch (kind.verdict(kiln.get(i), mxnet.get(i))) {
                case CONFLICT -> problems.add(what + " '" + names.get(i) + "': Kiln " + kiln.get(i) + ", MXNet "
                        + mxnet.get(i));
                case KILN_KNOWS_MORE -> more++;
                case SAME -> {
                }
            }
        }
        return more;
    }

    /**
     * A partial shape of Kiln's against MXNet's: every dim MXNet knows (and its rank, if known) must be Kiln's too.
     * A legacy-mode MXNet shape of unknown rank may hide a 0-d shape, so Kiln's {@code ()} there counts as the same.
     */
    static Verdict shapeVerdict(Shape kiln, Shape mxnet) {
        boolean kilnRank = kiln != null && kiln.isRankKnown();
        if (!mxnet.isRankKnown()) {
            return !kilnRank || kiln.rank() == 0 ? Verdict.SAME : Verdict.KILN_KNOWS_MORE;
        }
        if (!kilnRank || kiln.rank() != mxnet.rank()) {
            return Verdict.CONFLICT;
        }
        boolean more = false;
        for (int d = 0; d < mxnet.rank(); d++) {
            int a = kiln.get(d);
            int b = mxnet.get(d);
            if (b != Shape.UNKNOWN && a != b) {
                return Verdict.CONFLICT;
            }
            more |= b == Shape.UNKNOWN && a != Shape.UNKNOWN;
        }
        return more ? Verdict.KILN_KNOWS_MORE : Verdict.SAME;
    }

    static Verdict typeVerdict(DType kiln, DType mxnet) {
        if (mxnet == null) {
            return kiln == null ? Verdict.SAME : Verdict.KILN_KNOWS_MORE;
        }
        return mxnet == kiln ? Verdict.SAME : Verdict.CONFLICT;
    }

    private <V> void same(String what, List<V> kiln, List<V> mxnet) {
        if (!kiln.equals(mxnet)) {
            problems.add(what + ": Kiln " + kiln + ", MXNet " + mxnet);
        }
    }
}
