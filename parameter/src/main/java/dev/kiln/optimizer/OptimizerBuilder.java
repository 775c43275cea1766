package dev.kiln.optimizer;

import dev.kiln.optimizer.schedule.LRScheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The fluent builder every optimizer's {@code builder()} returns: the options all optimizers take
 * ({@link Optimizer}'s) here, each optimizer's own in its subclass. Options left unset keep MXNet's defaults.
 *
 * @param <B> the concrete builder, returned by each setter
 * @param <O> the optimizer it builds
 */
public abstract class OptimizerBuilder<B extends OptimizerBuilder<B, O>, O extends Optimizer> {
    private final Map<String, Object> options = new LinkedHashMap<>();
    private final Function<OptimizerOptions, O> factory;

    protected OptimizerBuilder(Function<OptimizerOptions, O> factory) {
        this.factory = factory;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sets option {@code name} (MXNet's snake_case name) to {@code value}, replacing an earlier value. */
    protected B set(String name, Object value) {
        options.put(name, value);
        return self();
    }

    /** The learning rate ({@code learning_rate}); a schedule, when given, starts from it. */
    public B learningRate(double lr) {
        return set("learning_rate", lr);
    }

    /** Weight decay ({@code wd}), scaled per parameter by its {@code wdMult}. */
    public B wd(double wd) {
        return set("wd", wd);
    }

    /** The factor gradients are multiplied by first ({@code rescale_grad}). */
    public B rescaleGrad(double rescaleGrad) {
        return set("rescale_grad", rescaleGrad);
    }

    /** Clips the rescaled gradient to {@code [-bound, bound]} ({@code clip_gradient}). */
    public B clipGradient(double bound) {
        return set("clip_gradient", bound);
    }

    /** A learning-rate schedule ({@code lr_scheduler}). */
    public B lrScheduler(LRScheduler scheduler) {
        return set("lr_scheduler", scheduler);
    }

    /** The update count to start from ({@code begin_num_update}). */
    public B beginNumUpdate(long count) {
        return set("begin_num_update", count);
    }

    /** Updates float16 weights through float32 master copies ({@code multi_precision}). */
    public B multiPrecision(boolean on) {
        return set("multi_precision", on);
    }

    /** The optimizer with these options. */
    public O build() {
        OptimizerOptions o = OptimizerOptions.of(options);
        O optimizer = factory.apply(o);
        o.requireAllRead(optimizer.name());
        return optimizer;
    }
}
