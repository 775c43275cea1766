package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for creation ops without inputs: zeros, ones, full, arange, linspace and eye. */
final class CreationCases {
    private CreationCases() {
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        for (String op : List.of("_zeros", "_ones")) {
            specs.add(random(op, 3, r -> OpCase.of(op).attr("shape", OpCase.tuple(r.shape().dims()))
                    .attr("dtype", r.pick("float32", "float64", "int32", "int64", "float16", "uint8"))));
        }
        specs.add(random("_full", 4, r -> OpCase.of("_full").attr("shape", OpCase.tuple(r.shape().dims()))
                .attr("value", r.pick("2.5", "-1", "0.1")).attr("dtype", r.pick("float32", "float64", "int32"))));
        specs.add(random("_arange", 8, r -> {
            boolean noStop = r.intIn(0, 3) == 0;
            OpCase c = OpCase.of("_arange").attr("start", noStop ? r.pick("1.5", "6") : r.pick("0", "1.5", "-3", "2"));
            c = c.attr("stop", noStop ? "None" : r.pick("7", "10.25"));
            c = c.attr("step", r.pick("1", "0.5", "2.5"));
            c = r.bool() ? c : c.attr("repeat", r.intIn(1, 3));
            return c.attr("dtype", r.pick("float32", "float64", "int32"));
        }));
        specs.add(fixed("_arange with a negative step", OpCase.of("_arange").attr("start", "5").attr("stop", "-2")
                .attr("step", "-1.5")));
        specs.add(random("_linspace", 4, r -> OpCase.of("_linspace").attr("start", r.pick("0", "-1.5"))
                .attr("stop", r.pick("1", "7.5")).attr("num", r.intIn(1, 8)).attr("endpoint", r.bool())
                .attr("dtype", r.pick("float32", "float64"))));
        specs.add(random("_eye", 6, r -> {
            OpCase c = OpCase.of("_eye").attr("N", r.intIn(1, 5));
            c = r.bool() ? c.attr("M", r.intIn(1, 5)) : c;
            return c.attr("k", r.intIn(-2, 2)).attr("dtype", r.pick("float32", "int32"));
        }));
        return specs;
    }
}
