package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.random;

/**
 * Case table entries for MXNet's fused optimizer update ops. Their state inputs (momentum, mean, variance) are updated
 * in place; the harness compares them as auxiliary states, so Kiln's definitions must declare them as such.
 */
final class OptimizerCases {
    private OptimizerCases() {
    }

    private static OpCase hyper(CaseRandom r, OpCase c) {
        c = c.attr("lr", r.pick("0.1", "0.01")).attr("wd", r.pick("0", "0.001"))
                .attr("rescale_grad", r.pick("1", "0.5"));
        return r.bool() ? c : c.attr("clip_gradient", r.pick("0.5", "1"));
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(random("sgd_update", 4, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("sgd_update", r.floats(s), r.floats(s)));
        }));
        specs.add(random("sgd_mom_update", 4, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("sgd_mom_update", r.floats(s), r.floats(s), r.floats(s)))
                    .attr("momentum", r.pick("0.9", "0.5"));
        }));
        specs.add(random("nag_mom_update", 3, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("nag_mom_update", r.floats(s), r.floats(s), r.floats(s)))
                    .attr("momentum", "0.9");
        }));
        specs.add(random("adam_update", 4, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("adam_update", r.floats(s), r.floats(s), r.floats(s),
                    r.array(s, DType.FLOAT32, 0, 1))).attr("beta1", "0.9").attr("beta2", "0.999")
                    .attr("epsilon", "1e-08");
        }));
        specs.add(random("rmsprop_update", 3, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("rmsprop_update", r.floats(s), r.floats(s), r.array(s, DType.FLOAT32, 0, 1)))
                    .attr("gamma1", "0.9").attr("epsilon", "1e-08");
        }));
        specs.add(random("signsgd_update", 2, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("signsgd_update", r.floats(s), r.floats(s)));
        }));
        specs.add(random("ftrl_update", 2, r -> {
            Shape s = r.shape();
            NDArray n = r.array(s, DType.FLOAT32, 0, 1);
            return hyper(r, OpCase.of("ftrl_update", r.floats(s), r.floats(s), r.floats(s), n))
                    .attr("lamda1", "0.01").attr("beta", "1");
        }));
        specs.add(random("rmspropalex_update", 3, r -> {
            Shape s = r.shape();
            NDArray n = r.array(s, DType.FLOAT32, 1, 2);
            return hyper(r, OpCase.of("rmspropalex_update", r.floats(s), r.floats(s), n,
                    r.array(s, DType.FLOAT32, -0.5, 0.5), r.floats(s))).attr("gamma1", "0.9").attr("gamma2", "0.8")
                    .attr("clip_weights", r.pick("-1", "1.5"));
        }));
        specs.add(random("signum_update", 3, r -> {
            Shape s = r.shape();
            return hyper(r, OpCase.of("signum_update", r.floats(s), r.floats(s), r.floats(s)))
                    .attr("momentum", "0.9").attr("wd_lh", r.pick("0", "0.01"));
        }));
        specs.add(random("lamb_update_phase1", 3, r -> {
            Shape s = r.shape();
            OpCase c = OpCase.of("lamb_update_phase1", r.floats(s), r.floats(s), r.floats(s),
                    r.array(s, DType.FLOAT32, 0, 1)).attr("t", r.pick("1", "3")).attr("wd", r.pick("0", "0.01"))
                    .attr("bias_correction", r.pick("True", "False")).attr("rescale_grad", r.pick("1", "0.5"));
            return r.bool() ? c : c.attr("clip_gradient", "0.5");
        }));
        specs.add(random("lamb_update_phase2", 3, r -> {
            Shape s = r.shape();
            Shape one = Shape.of(1);
            return OpCase.of("lamb_update_phase2", r.floats(s), r.floats(s), r.array(one, DType.FLOAT32, 0.5, 2),
                    r.array(one, DType.FLOAT32, 0.5, 2)).attr("lr", r.pick("0.1", "0.01"))
                    .attr("lower_bound", r.pick("-1", "1")).attr("upper_bound", r.pick("-1", "1.2"));
        }));
        specs.add(random("_adamw_update", 3, r -> {
            Shape s = r.shape();
            OpCase c = OpCase.of("_adamw_update", r.floats(s), r.floats(s), r.floats(s),
                    r.array(s, DType.FLOAT32, 0, 1), r.array(Shape.of(1), DType.FLOAT32, 0.5, 1))
                    .attr("lr", r.pick("1", "0.5")).attr("eta", r.pick("0.1", "0.01")).attr("wd", r.pick("0", "0.01"));
            return r.bool() ? c : c.attr("clip_gradient", "0.5");
        }));
        return specs;
    }
}
