package dev.kiln.nn.norm;

import dev.kiln.autograd.GradReq;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gluon's {@code nn.BatchNorm} (MXNet's {@code BatchNorm} op, node {@code fwd}). In training mode it normalises each
 * channel (axis {@code axis}) with the batch's mean and biased variance and updates the running statistics in place,
 * {@code running = momentum * running + (1 - momentum) * batch}; in predict mode, or with {@code useGlobalStats}, it
 * uses {@code running_mean} and {@code running_var}. {@code scale} false fixes gamma at 1 ({@code fix_gamma}); the
 * running statistics are not differentiable (grad_req null; auxiliary states in the exported graph). All four
 * parameters are {@code (inChannels,)}, deferred while {@code inChannels} is 0. Casting to float16 keeps float32
 * parameters, as Gluon does (bfloat16 likewise, which the op needs).
 */
public class BatchNorm extends ChannelNormLayer {
    private final double momentum;
    private final boolean useGlobalStats;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /** Gluon's defaults: channels on axis 1, momentum 0.9, epsilon 1e-5, learned gamma and beta. */
    public BatchNorm() {
        this(builder());
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    protected BatchNorm(Builder b) {
        super(b, "batchnorm", true);
        if (!(b.momentum >= 0 && b.momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm: momentum must be in [0, 1], got " + b.momentum);
        }
        this.momentum = b.momentum;
        this.useGlobalStats = b.useGlobalStats;
        try (var ignored = nameScope()) {
            this.runningMean = param("running_mean", runningSpec(b.inChannels, b.runningMeanInitializer));
            this.runningVar = param("running_var", runningSpec(b.inChannels, b.runningVarianceInitializer));
        }
    }

    private static ParameterSpec runningSpec(int size, Initializer init) {
        return ParameterSpec.of().shape(size).init(init).allowDeferredInit(true).gradReq(GradReq.NULL)
                .differentiable(false);
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }

    public double momentum() {
        return momentum;
    }

    /** Keeps float32 parameters when asked for a 16-bit float type, as the op and Gluon need. */
    @Override
    public void cast(DType dtype) {
        super.cast(dtype == DType.FLOAT16 || dtype == DType.BFLOAT16 ? DType.FLOAT32 : dtype);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.batchNorm(x, p.get("gamma"), p.get("beta"), p.get("running_mean"), p.get("running_var"),
                Map.of("name", "fwd", "axis", axis(), "eps", epsilon(), "momentum", momentum, "fix_gamma", !scale(),
                        "use_global_stats", useGlobalStats)).get(0);
    }

    /**
     * Gluon's repr: {@code BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False,
     * in_channels=None)}, with the channel count once known.
     */
    @Override
    public String toString() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("axis", axis());
        kwargs.put("eps", epsilon());
        kwargs.put("momentum", momentum);
        kwargs.put("fix_gamma", !scale());
        kwargs.put("use_global_stats", useGlobalStats);
        int in = gamma().shape().get(0);
        return repr(kwargs, "in_channels=" + (in > 0 ? Integer.toString(in) : "None"));
    }

    /** Gluon's {@code BatchNorm} arguments. */
    public static final class Builder extends ChannelNormBuilder<Builder, BatchNorm> {
        private double momentum = 0.9;
        private boolean useGlobalStats;
        private Initializer runningMeanInitializer = initializer("zeros");
        private Initializer runningVarianceInitializer = initializer("ones");

        private Builder() {
            super(1, true);
        }

        /** Momentum of the running averages (default 0.9). */
        public Builder momentum(double m) {
            this.momentum = m;
            return this;
        }

        /** Normalise with the running statistics in training too (default false). */
        public Builder useGlobalStats(boolean u) {
            this.useGlobalStats = u;
            return this;
        }

        /** The running mean's initialiser (default {@code zeros}). */
        public Builder runningMeanInitializer(Initializer i) {
            this.runningMeanInitializer = i;
            return this;
        }

        public Builder runningMeanInitializer(String nameOrJson) {
            return runningMeanInitializer(initializer(nameOrJson));
        }

        /** The running variance's initialiser (default {@code ones}). */
        public Builder runningVarianceInitializer(Initializer i) {
            this.runningVarianceInitializer = i;
            return this;
        }

        public Builder runningVarianceInitializer(String nameOrJson) {
            return runningVarianceInitializer(initializer(nameOrJson));
        }

        @Override
        public BatchNorm build() {
            return new BatchNorm(this);
        }
    }
}
