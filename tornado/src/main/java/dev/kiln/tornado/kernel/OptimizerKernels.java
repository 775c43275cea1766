package dev.kiln.tornado.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.f;
import static dev.kiln.tornado.kernel.Exprs.gt;
import static dev.kiln.tornado.kernel.Exprs.math;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.select;
import static dev.kiln.tornado.kernel.Exprs.sub;

/**
 * MXNet's fused optimizer updates on dense float32 arrays ({@code sgd_update}, {@code sgd_mom_update},
 * {@code nag_mom_update}, {@code signsgd_update}, {@code signum_update}, {@code adam_update},
 * {@code rmsprop_update}, {@code rmspropalex_update}, {@code ftrl_update}, {@code _adamw_update},
 * {@code lamb_update_phase1}, {@code lamb_update_phase2}), so a trainer can step parameters that
 * live on the device: one work item per element reads the weight, the gradient and the states, writes the new weight
 * to the output and the new states IN PLACE over the state inputs (the op's auxiliary inputs, as its CPU kernel
 * does; see {@link DeviceKernels#mutatedInputs}). The rule is the CPU op's, in float32 arithmetic on the attributes
 * rounded to float32; {@code lazy_update} does not matter for dense arrays. One-element array inputs
 * ({@code _adamw_update}'s {@code rescale_grad}, LAMB's norms) are read by every work item.
 */
final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /** One element of an update: the state locals are read before and stored after; returns the new weight. */
    @FunctionalInterface
    private interface Rule {
        Exprs.Flt step(Element e);
    }

    /** The element being updated: its weight and gradient values, its state locals and the call's attributes. */
    private record Element(NodeCall call, KernelWriter w, KernelWriter.FloatVar weight, KernelWriter.FloatVar grad,
                           List<KernelWriter.FloatVar> states, List<KernelWriter.FloatVar> scalars,
                           Map<String, KernelWriter.FloatVar> runtime) {
        float attr(String name) {
            return (float) call.doubleAttr(name);
        }

        /** The learning rate, a kernel parameter: it changes from step to step (Adam's bias correction, schedules). */
        KernelWriter.FloatVar lr() {
            return runtime.get("lr");
        }

        /** A value passed to the kernel at launch ({@link #runtimeValues}), not compiled into it. */
        KernelWriter.FloatVar runtime(String name) {
            return runtime.get(name);
        }

        KernelWriter.FloatVar state(int k) {
            return states.get(k);
        }

        /** The value of the {@code k}-th one-element input. */
        KernelWriter.FloatVar scalar(int k) {
            return scalars.get(k);
        }

        /** The moments of Adam and LAMB: {@code mean} and {@code var} (states 0 and 1) moved by {@code g}. */
        void moments(KernelWriter.FloatVar g) {
            float b1 = attr("beta1");
            float b2 = attr("beta2");
            update(0, add(mul(f(b1), state(0)), mul(f(1 - b1), g)));
            update(1, add(mul(f(b2), state(1)), mul(f(1 - b2), mul(g, g))));
        }

        /** A float local of the kernel. */
        KernelWriter.FloatVar let(String name, Exprs.Flt value) {
            return w.floatLocal(name, value);
        }

        /** {@code state_k = value}. */
        void update(int k, Exprs.Flt value) {
            w.set(states.get(k), value);
        }

        /** {@code clip(rescale_grad * grad [+ wd * weight])}, the clip only where {@code clip_gradient >= 0}. */
        KernelWriter.FloatVar gradient(boolean withDecay) {
            Exprs.Flt g = mul(f(attr("rescale_grad")), grad);
            if (withDecay) {
                g = add(g, mul(f(attr("wd")), weight));
            }
            return let("g", clip(g, attr("clip_gradient")));
        }
    }

    static void register(Map<String, Family> families) {
        rule(families, "sgd_update", 0, e -> sub(mul(sub(f(1), mul(e.lr(), f(e.attr("wd")))), e.weight()),
                mul(e.lr(), e.gradient(false))));
        rule(families, "sgd_mom_update", 1, e -> {
            KernelWriter.FloatVar g = e.gradient(false);
            e.update(0, sub(sub(mul(f(e.attr("momentum")), e.state(0)), mul(mul(e.lr(), f(e.attr("wd"))),
                    e.weight())), mul(e.lr(), g)));
            return add(e.weight(), e.state(0));
        });
        rule(families, "nag_mom_update", 1, e -> {
            KernelWriter.FloatVar g = e.gradient(false);
            float momentum = e.attr("momentum");
            KernelWriter.FloatVar step = e.let("step", mul(e.lr(), add(g, mul(f(e.attr("wd")), e.weight()))));
            KernelWriter.FloatVar mom = e.let("mom", mul(f(momentum), e.state(0)));
            e.update(0, sub(mom, step));
            return add(sub(e.weight(), mom), mul(f(momentum + 1), sub(mom, step)));
        });
        rule(families, "signsgd_update", 0, e -> sub(mul(sub(f(1), mul(e.lr(), f(e.attr("wd")))), e.weight()),
                mul(e.lr(), sign(e.grad()))));
        rule(families, "signum_update", 1, e -> {
            float momentum = e.attr("momentum");
            KernelWriter.FloatVar g = e.gradient(false);
            e.update(0, sub(sub(mul(f(momentum), e.state(0)), mul(f((1 - momentum) * e.attr("wd")), e.weight())),
                    mul(f(1 - momentum), g)));
            return add(mul(sub(f(1), mul(e.lr(), f(e.attr("wd_lh")))), e.weight()), mul(e.lr(), sign(e.state(0))));
        });
        rule(families, "adam_update", 2, e -> {
            e.moments(e.gradient(true));
            return sub(e.weight(), div(mul(e.lr(), e.state(0)),
                    add(math("sqrt", e.state(1)), f(e.attr("epsilon")))));
        });
        rule(families, "_adamw_update", 2, 1, e -> {
            // a zero or non-finite rescale_grad skips the step: weight and states stay as they were
            KernelWriter.FloatVar rescale = e.scalar(0);
            Exprs.Cond step = Exprs.and(Exprs.ne(rescale, f(0f)), Exprs.eq(sub(rescale, rescale), f(0f)));
            KernelWriter.FloatVar mean = e.let("mean0", e.state(0));
            KernelWriter.FloatVar var = e.let("var0", e.state(1));
            e.moments(e.let("g", clip(mul(rescale, e.grad()), e.attr("clip_gradient"))));
            KernelWriter.FloatVar next = e.let("stepped", sub(e.weight(), mul(f(e.attr("eta")), add(div(
                    mul(e.lr(), e.state(0)), add(math("sqrt", e.state(1)), f(e.attr("epsilon")))),
                    mul(f(e.attr("wd")), e.weight())))));
            e.update(0, select(step, e.state(0), mean));
            e.update(1, select(step, e.state(1), var));
            return select(step, next, e.weight());
        });
        rule(families, "lamb_update_phase1", 2, e -> {
            e.moments(e.gradient(false));
            return add(div(div(e.state(0), e.runtime("c1")), add(math("sqrt", div(e.state(1), e.runtime("c2"))),
                    f(e.attr("epsilon")))), mul(f(e.attr("wd")), e.weight()));
        });
        rule(families, "lamb_update_phase2", 0, 2, e -> {
            float lower = e.attr("lower_bound");
            float upper = e.attr("upper_bound");
            KernelWriter.FloatVar r1 = e.let("r1", lower >= 0 ? Exprs.max(e.scalar(0), f(lower)) : e.scalar(0));
            if (upper >= 0) {
                e.w().set(r1, Exprs.min(r1, f(upper)));
            }
            KernelWriter.FloatVar r2 = e.scalar(1);
            Exprs.Flt ratio = select(Exprs.and(Exprs.ne(r1, f(0f)), Exprs.ne(r2, f(0f))),
                    div(mul(e.lr(), r1), r2), e.lr());
            return sub(e.weight(), mul(e.let("step_lr", ratio), e.grad()));
        });
        rule(families, "rmsprop_update", 1, e -> {
            KernelWriter.FloatVar g = e.gradient(true);
            float g1 = e.attr("gamma1");
            e.update(0, add(mul(f(1 - g1), mul(g, g)), mul(f(g1), e.state(0))));
            return clip(sub(e.weight(), mul(e.lr(), div(g, math("sqrt", add(e.state(0),
                    f(e.attr("epsilon"))))))), e.attr("clip_weights"));
        });
        rule(families, "rmspropalex_update", 3, e -> {
            KernelWriter.FloatVar g = e.gradient(true);
            float g1 = e.attr("gamma1");
            e.update(0, add(mul(f(1 - g1), mul(g, g)), mul(f(g1), e.state(0))));
            e.update(1, add(mul(f(1 - g1), g), mul(f(g1), e.state(1))));
            e.update(2, sub(mul(f(e.attr("gamma2")), e.state(2)), div(mul(e.lr(), g),
                    math("sqrt", add(sub(e.state(0), mul(e.state(1), e.state(1))), f(e.attr("epsilon")))))));
            return clip(add(e.weight(), e.state(2)), e.attr("clip_weights"));
        });
        rule(families, "ftrl_update", 2, e -> {
            KernelWriter.FloatVar g = e.gradient(false);
            float lamda1 = e.attr("lamda1");
            KernelWriter.FloatVar n = e.let("n", e.state(1));
            e.update(0, add(e.state(0), sub(g, div(mul(sub(math("sqrt", add(n, mul(g, g))), math("sqrt", n)),
                    e.weight()), e.lr()))));
            e.update(1, add(n, mul(g, g)));
            KernelWriter.FloatVar z = e.let("z", e.state(0));
            Exprs.Flt next = div(sub(mul(sign(z), f(lamda1)), z),
                    add(div(add(f(e.attr("beta")), math("sqrt", e.state(1))), e.lr()), f(e.attr("wd"))));
            return select(gt(Exprs.abs(z), f(lamda1)), next, f(0f));
        });
    }

    /** Registers {@code op}, an update with {@code numStates} states after its weight and gradient. */
    private static void rule(Map<String, Family> families, String op, int numStates, Rule rule) {
        rule(families, op, numStates, 0, rule);
    }

    /** {@link #rule(Map, String, int, Rule)} with {@code numScalars} one-element inputs after the states. */
    private static void rule(Map<String, Family> families, String op, int numStates, int numScalars, Rule rule) {
        families.put(op, Family.of(c -> null, c -> List.of(lower(c, numStates, numScalars, rule))));
    }

    /** Inputs (weight, grad, states..., scalars...), output the new weight; the states are rewritten in place. */
    private static KernelLaunch lower(NodeCall c, int numStates, int numScalars, Rule rule) {
        int n = c.in(0).size();
        Map<String, Float> values = runtimeValues(c);
        KernelClass k = c.kernel(c.op(), w -> {
            KernelWriter.Array weight = w.floatArray("weight");
            KernelWriter.Array grad = w.floatArray("grad");
            List<KernelWriter.Array> states = new ArrayList<>();
            for (int s = 0; s < numStates; s++) {
                states.add(w.floatArray("state" + s));
            }
            List<KernelWriter.Array> scalars = new ArrayList<>();
            for (int s = 0; s < numScalars; s++) {
                scalars.add(w.floatArray("scalar" + s));
            }
            KernelWriter.Array out = w.floatArray("out");
            KernelWriter.Array launchValues = w.floatArray("launch_values");
            w.parallelFor("i", c(n), i -> {
                Map<String, KernelWriter.FloatVar> runtime = new LinkedHashMap<>();
                int v = 0;
                for (String name : values.keySet()) {
                    runtime.put(name, w.floatLocal(name, w.load(launchValues, c(v++))));
                }
                List<KernelWriter.FloatVar> stateValues = new ArrayList<>();
                for (int s = 0; s < numStates; s++) {
                    stateValues.add(w.floatLocal("s" + s, w.load(states.get(s), i)));
                }
                List<KernelWriter.FloatVar> scalarValues = new ArrayList<>();
                for (KernelWriter.Array a : scalars) {
                    scalarValues.add(w.floatLocal("v_" + a.name(), w.load(a, c(0))));
                }
                Element e = new Element(c, w, w.floatLocal("w", w.load(weight, i)),
                        w.floatLocal("grad", w.load(grad, i)), stateValues, scalarValues, runtime);
                KernelWriter.FloatVar next = w.floatLocal("next", rule.step(e));
                for (int s = 0; s < numStates; s++) {
                    w.store(states.get(s), i, stateValues.get(s));
                }
                w.store(out, i, next);
            });
        });
        int inputs = numStates + numScalars + 2;
        int[] buffers = new int[inputs + 1];
        for (int j = 0; j < inputs; j++) {
            buffers[j] = c.buffers().input(j);
        }
        buffers[inputs] = c.buffers().output(0);
        return c.launch(k, buffers, values.values());
    }

    /**
     * The attributes passed at launch (in one float array, {@link KernelArg.FloatValues}) instead of compiled into
     * the kernel, so that one kernel class and one TornadoVM task graph serve every step: the learning rate (Adam
     * folds its bias correction into it, schedules change it), and for LAMB's phase 1 its bias corrections, which
     * hold the step count.
     */
    private static Map<String, Float> runtimeValues(NodeCall c) {
        Map<String, Float> m = new LinkedHashMap<>();
        if (c.op().equals("lamb_update_phase1")) {
            boolean correct = c.boolAttr("bias_correction");
            int t = c.intAttr("t");
            m.put("c1", correct ? 1 - (float) Math.pow((float) c.doubleAttr("beta1"), t) : 1f);
            m.put("c2", correct ? 1 - (float) Math.pow((float) c.doubleAttr("beta2"), t) : 1f);
        } else {
            m.put("lr", (float) c.doubleAttr("lr"));
        }
        return m;
    }

    /**
     * {@code x} limited to {@code [-bound, bound]} where {@code bound >= 0} (NaN passes), else {@code x}. It keeps
     * {@code x} in a local, so it is used only where the operand stack is empty (a local's or an array's value).
     */
    private static Exprs.Flt clip(Exprs.Flt x, float bound) {
        if (!(bound >= 0)) {
            return x;
        }
        return w -> {
            KernelWriter.FloatVar v = w.floatLocal("unclipped", x);
            select(gt(v, f(bound)), f(bound), select(gt(f(-bound), v), f(-bound), v)).push(w);
        };
    }

    /** -1, 0 or 1 by the sign of {@code x} (0 for NaN). */
    private static Exprs.Flt sign(Exprs.Flt x) {
        return select(gt(x, f(0f)), f(1f), select(gt(f(0f), x), f(-1f), f(0f)));
    }
}
