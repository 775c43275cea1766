/**
 * Gluon's user-facing layer: {@code Block} and {@code HybridBlock}, containers, layers, recurrent cells, losses,
 * metrics, datasets and data loaders, and the estimator's fit loop. Every package is API.
 *
 * <p>Blocks register the child blocks and parameters held in their fields by reflection, so a named module that
 * defines blocks opens their package to this module ({@code opens my.model to dev.kiln.block}).
 */
@SuppressWarnings("requires-automatic") // JFreeChart: its manifest names it org.jfree.jfreechart
module dev.kiln.block {
    requires transitive dev.kiln.parameter;
    requires transitive dev.kiln.hybrid;
    requires com.fasterxml.jackson.core;
    requires transitive java.desktop; // images are BufferedImages
    requires me.tongfei.progressbar;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;

    exports dev.kiln.block;
    exports dev.kiln.data;
    exports dev.kiln.data.vision;
    exports dev.kiln.data.vision.transforms;
    exports dev.kiln.estimator;
    exports dev.kiln.loss;
    exports dev.kiln.metric;
    exports dev.kiln.nn;
    exports dev.kiln.nn.conv;
    exports dev.kiln.nn.metalhead;
    exports dev.kiln.nn.norm;
    exports dev.kiln.rnn;
}
