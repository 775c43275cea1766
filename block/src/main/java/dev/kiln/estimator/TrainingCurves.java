package dev.kiln.estimator;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training curves of a {@link TrainingHistory} as one chart: a panel per quantity (loss, then each metric) with
 * its training and validation series against the epoch. Drawn with JFreeChart into an off-screen image (PNG through
 * ImageIO) or into JFreeSVG's SVG canvas, so it works headless.
 */
public final class TrainingCurves {
    private static final String TRAINING = "training ";
    private static final String VALIDATION = "validation ";
    private static final int WIDTH = 800;
    private static final int PANEL_HEIGHT = 260;

    private final TrainingHistory history;

    public TrainingCurves(TrainingHistory history) {
        this.history = history;
    }

    /** The quantities charted, one panel each, in reported order ("loss", "accuracy", ...). */
    public List<String> panels() {
        return List.copyOf(grouped().keySet());
    }

    public void writePng(Path file) {
        JFreeChart chart = chart();
        BufferedImage image = chart.createBufferedImage(WIDTH, height());
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("TrainingCurves: cannot write " + file, e);
        }
    }

    public void writeSvg(Path file) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, height());
        chart().draw(g, new Rectangle(0, 0, WIDTH, height()));
        try {
            // The element without JFreeSVG's DOCTYPE, so that XML tools parse it without fetching the SVG 1.1 DTD.
            Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("TrainingCurves: cannot write " + file, e);
        }
    }

    private int height() {
        return Math.max(1, grouped().size()) * PANEL_HEIGHT + 60;
    }

    /** Value names grouped by quantity: "training loss" and "validation loss" both go to "loss". */
    private Map<String, List<String>> grouped() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : history.names()) {
            String base = name.startsWith(TRAINING) ? name.substring(TRAINING.length())
                    : name.startsWith(VALIDATION) ? name.substring(VALIDATION.length()) : name;
            out.computeIfAbsent(base, k -> new ArrayList<>()).add(name);
        }
        return out;
    }

    private JFreeChart chart() {
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        List<TrainingHistory.Epoch> epochs = history.epochs();
        for (Map.Entry<String, List<String>> panel : grouped().entrySet()) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (String name : panel.getValue()) {
                XYSeries series = new XYSeries(name);
                double[] values = history.series(name);
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isNaN(values[i])) {
                        series.add(epochs.get(i).epoch(), values[i]);
                    }
                }
                data.addSeries(series);
            }
            NumberAxis valueAxis = new NumberAxis(panel.getKey());
            valueAxis.setAutoRangeIncludesZero(false);
            XYPlot sub = new XYPlot(data, null, valueAxis, new XYLineAndShapeRenderer(true, true));
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
            sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
            plot.add(sub);
        }
        JFreeChart chart = new JFreeChart("Training curves", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
