package dev.kiln.cli.demo;

import dev.kiln.block.HybridSequential;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.NameManager;

import java.util.Map;

/**
 * The demo's Gluon-style CNN: two blocks of 3x3 convolution (padding 1), batch norm, ReLU and 2x2 max pooling
 * (8 then 16 channels), then a dense layer to the classes. Built in a fresh name scope, so its parameter names (and
 * the exported file's keys) are the same in every run: {@code hybridsequential0_conv0_weight}, ...
 */
final class DemoNet {
    private DemoNet() {
    }

    /** A new, uninitialised net. */
    static HybridSequential create(int classes) {
        try (var ignored = NameManager.fresh()) {
            HybridSequential net = new HybridSequential();
            try (var scope = net.nameScope()) {
                net.add(convBlock(8), convBlock(16), new Flatten(), new Dense(classes));
            }
            return net;
        }
    }

    private static HybridSequential convBlock(int channels) {
        HybridSequential block = new HybridSequential();
        try (var scope = block.nameScope()) {
            block.add(Conv2D.builder(channels, 3).padding(1).build(), new BatchNorm(), new Activation("relu"),
                    new MaxPool2D(2));
        }
        return block;
    }

    /**
     * A new net initialised with Xavier weights drawn from {@code seed}; the deferred shapes are completed by one
     * forward (predict mode, so batch norm's running statistics stay at their initial values) on {@code sample}.
     */
    static HybridSequential initialized(int classes, long seed, NDArray sample) {
        HybridSequential net = create(classes);
        Random.seed(seed);
        net.initialize(new Xavier());
        net.call(sample);
        return net;
    }

    /** A new net with a copy of {@code source}'s parameter values (matched by structural path). */
    static HybridSequential copyOf(HybridSequential source, int classes) {
        HybridSequential copy = create(classes);
        copy.initialize(new Xavier());
        Map<String, Parameter> target = copy.collectParamsByPath();
        source.collectParamsByPath().forEach((path, p) -> target.get(path).setData(p.data()));
        return copy;
    }
}
