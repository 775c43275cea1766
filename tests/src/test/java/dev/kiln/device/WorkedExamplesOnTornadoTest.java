package dev.kiln.device;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.Differential;
import dev.kiln.block.DifferentialReport;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.examples.customlayer.CustomLayerTutorial;
import dev.kiln.examples.keras.KerasStyleModel;
import dev.kiln.examples.metalhead.ConvNormExamples;
import dev.kiln.examples.unet.UNet;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Xavier;
import dev.kiln.loss.L2Loss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.NameManager;
import dev.kiln.testing.FreshNames;
import dev.kiln.tornado.TornadoBackend;
import dev.kiln.tornado.TornadoOptions;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11's end-to-end check: the four worked examples of #6 (the Gluon custom-layer tutorial, the Keras convnet,
 * Flux's UNet and Metalhead's {@code convNorm} variants), hybridized on the {@code tornado} backend, give the eager
 * outputs, gradients and running statistics in training mode, and the tutorial trains with its SGD trainer to the
 * eager weights. The suite runs the device kernels on the Java emulation runtime; {@code -Ptornadovm} runs the same
 * tests on TornadoVM's default device. Nodes without a device kernel (Dropout's random mask in training) run on the
 * host, as host fallback allows; each test checks that most op nodes ran on the device.
 */
@ExtendWith(FreshNames.class)
class WorkedExamplesOnTornadoTest {
    private static final Pattern PLACEMENT = Pattern.compile("(\\d+) nodes on the device in (\\d+) segments, (\\d+) on "
            + "the host");
    private String oldFallback;

    @BeforeEach
    void allowHostFallback() {
        oldFallback = System.setProperty(TornadoOptions.FALLBACK_PROPERTY, "true");
    }

    @AfterEach
    void restoreFallback() {
        if (oldFallback == null) {
            System.clearProperty(TornadoOptions.FALLBACK_PROPERTY);
        } else {
            System.setProperty(TornadoOptions.FALLBACK_PROPERTY, oldFallback);
        }
    }

    private static HybridizeOptions onTornado() {
        return HybridizeOptions.builder().backend(TornadoBackend.NAME).inlineLimit(0).build();
    }

    /**
     * Eager vs tornado in training mode (outputs, input and parameter gradients, running statistics), then the share
     * of op nodes the device ran, from {@code explain()}: at least {@code minDeviceShare}.
     */
    private static void agreesOnTheDevice(HybridBlock net, NDArray x, NDArray head, double minDeviceShare) {
        agreesOnTheDevice(net, x, head, minDeviceShare, 1e-4, 1e-5);
    }

    private static void agreesOnTheDevice(HybridBlock net, NDArray x, NDArray head, double minDeviceShare,
                                          double rtol, double atol) {
        DifferentialReport r = Differential.of(net).inputs(x).training(true).headGradients(head).options(onTornado())
                .seed(17).run();
        r.assertWithin(rtol, atol);
        assertThat(r.entries(DifferentialReport.Kind.PARAMETER_GRADIENT)).isNotEmpty();
        net.hybridize(onTornado());
        try (var ignored = Autograd.record(true)) {
            net.call(x);
        }
        String explain = net.explain();
        assertThat(explain).contains("as compiled (tornado on " + TornadoOptions.fromSystemProperties().runtime());
        Matcher m = PLACEMENT.matcher(explain);
        assertThat(m.find()).as("placement line in%n%s", explain).isTrue();
        System.out.println(net.name() + " on " + TornadoOptions.fromSystemProperties().runtime() + ": " + m.group());
        double device = Integer.parseInt(m.group(1));
        double host = Integer.parseInt(m.group(3));
        assertThat(device / (device + host)).as("share of nodes on the device in%n%s", explain)
                .isGreaterThanOrEqualTo(minDeviceShare);
    }

    @Test
    void customLayerTutorialNetworkAgreesWithEagerOnTheDevice() {
        Random.seed(3);
        HybridSequential net = CustomLayerTutorial.tutorialNet();
        net.initialize(new Xavier("uniform", "avg", 2.24));
        agreesOnTheDevice(net, Random.uniform(-10, 10, 5, 2), Random.uniform(-1, 1, 5, 1), 1.0);
    }

    @Test
    void customLayerTutorialTrainsWithSgdMomentumToTheEagerWeights() {
        Map<String, NDArray> eager = trainTutorial(false);
        Map<String, NDArray> device = trainTutorial(true);
        assertThat(device.keySet()).isEqualTo(eager.keySet());
        for (String name : eager.keySet()) {
            assertThat(device.get(name)).as(name).isCloseTo(eager.get(name), 1e-4, 1e-5);
        }
        String scales = "hybridsequential0_normalizationhybridlayer0_scales";
        assertThat(device.get(scales).toDoubleArray()).as("the constant scales").containsOnly(2.0);
    }

    /** Five SGD steps (momentum 0.9, L2 loss) of the tutorial's network from one seed; the parameters after them. */
    private static Map<String, NDArray> trainTutorial(boolean onDevice) {
        try (var ignored = NameManager.fresh()) {
            return trainTutorialNamed(onDevice);
        }
    }

    private static Map<String, NDArray> trainTutorialNamed(boolean onDevice) {
        Random.seed(7);
        HybridSequential net = CustomLayerTutorial.tutorialNet();
        net.initialize(new Xavier("uniform", "avg", 2.24));
        if (onDevice) {
            net.hybridize(onTornado());
        }
        NDArray input = Random.uniform(-10, 10, 5, 2);
        NDArray target = nd.sum(nd.tanh(nd.mulScalar(input, 0.2)), Map.of("axis", 1, "keepdims", true));
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.05, "momentum", 0.9));
        L2Loss loss = new L2Loss();
        for (int step = 0; step < 5; step++) {
            NDArray l;
            try (var ignored = Autograd.record()) {
                l = loss.forward(net.call(input), target);
            }
            l.backward();
            trainer.step(5);
        }
        Map<String, NDArray> values = new LinkedHashMap<>();
        for (Parameter p : net.collectParams().values()) {
            values.put(p.name(), p.data().copy());
        }
        return values;
    }

    @Test
    void kerasConvnetAgreesWithEagerOnTheDeviceWithDropoutOnTheHost() {
        Random.seed(4);
        HybridSequential model = KerasStyleModel.kerasConvnet();
        model.initialize(new Xavier());
        agreesOnTheDevice(model, Random.uniform(0, 1, 2, 1, 12, 12), Random.uniform(-1, 1, 2, 10), 0.7);
    }

    /**
     * Ten BatchNorm layers in training deep, the weight gradients are sums of thousands of terms with cancellation
     * (the largest near 70); the device kernels add in plain float32 order where the CPU blocks its sums. Against a
     * float64 eager run the device's gradients were off by up to 3.1e-4 (the CPU's float32 by 7.7e-5), 4e-6 of the
     * largest value, so small elements are compared with an absolute tolerance of that size.
     */
    @Test
    void fluxUNetAgreesWithEagerOnTheDevice() {
        Random.seed(5);
        UNet net = new UNet(1);
        net.initialize(new Xavier());
        agreesOnTheDevice(net, Random.uniform(-1, 1, 2, 1, 32, 32), Random.uniform(-1, 1, 2, 1, 32, 32), 0.7,
                1e-3, 5e-4);
    }

    @Test
    void metalheadConvNormVariantsAgreeWithEagerOnTheDevice() {
        Map<String, Supplier<HybridSequential>> variants = new LinkedHashMap<>();
        variants.put("plain", ConvNormExamples::plain);
        variants.put("sigmoid", ConvNormExamples::withSigmoid);
        variants.put("group norm", ConvNormExamples::withGroupNorm);
        variants.put("batch norm eps 1e-3", ConvNormExamples::withBatchNormEps);
        for (var v : variants.entrySet()) {
            Random.seed(6);
            HybridSequential seq = v.getValue().get();
            seq.initialize(new Xavier());
            try {
                agreesOnTheDevice(seq, Random.uniform(-1, 1, 2, 32, 6, 6), Random.uniform(-1, 1, 2, 64, 4, 4), 0.5);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("convNorm variant '" + v.getKey() + "': " + e.getMessage(), e);
            }
        }
    }
}
