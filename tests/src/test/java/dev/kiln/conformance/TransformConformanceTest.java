package dev.kiln.conformance;

import dev.kiln.block.HybridSequential;
import dev.kiln.data.vision.transforms.Cast;
import dev.kiln.data.vision.transforms.CropResize;
import dev.kiln.data.vision.transforms.Normalize;
import dev.kiln.data.vision.transforms.Resize;
import dev.kiln.data.vision.transforms.ToTensor;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The hybrid vision transforms, traced to symbol JSON, against MXNet 1.9 running the same graph as a cached op. */
@ExtendWith(FreshNames.class)
class TransformConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static NDArray pixels(int... dims) {
        return new CaseRandom(dims.length * 31L + dims[0]).array(Shape.of(dims), DType.UINT8, 0, 255);
    }

    @Test
    void toTensorThenNormalizeMatchesMXNet() {
        HybridSequential chain = new HybridSequential();
        chain.add(new ToTensor(), new Normalize(new double[] {0.485, 0.456, 0.406},
                new double[] {0.229, 0.224, 0.225}));
        LayerConformance.assertMatchesMXNet(chain, pixels(2, 5, 4, 3));
    }

    @Test
    void resizeAndCropResizeMatchMXNet() {
        LayerConformance.assertMatchesMXNet(new Resize(7, 3), pixels(5, 6, 3));
        LayerConformance.assertMatchesMXNet(new Resize(4, true, 1), pixels(2, 5, 9, 1));
        LayerConformance.assertMatchesMXNet(new CropResize(1, 1, 3, 2, new int[] {5, 5}, 1),
                pixels(4, 4, 3).astype(DType.FLOAT32));
    }

    @Test
    void castMatchesMXNet() {
        LayerConformance.assertMatchesMXNet(new Cast(), pixels(3, 2, 1));
    }
}
