package dev.kiln.estimator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Estimator#fit} returns: per epoch the learning rate, the time taken and every reported value
 * ({@code training loss}, {@code validation accuracy}, ...), with writers for CSV, JSON and the PNG/SVG curves.
 */
public final class TrainingHistory {
    /** One epoch's record; {@code values} keeps the order the estimator reported them in. */
    public record Epoch(int epoch, double learningRate, double seconds, Map<String, Double> values) {
        public Epoch {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();

    /** Appends the next epoch. */
    public void add(Epoch epoch) {
        epochs.add(epoch);
    }

    public List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    public int size() {
        return epochs.size();
    }

    /** Every value name seen, in first-reported order. */
    public List<String> names() {
        Set<String> names = new LinkedHashSet<>();
        epochs.forEach(e -> names.addAll(e.values().keySet()));
        return List.copyOf(names);
    }

    /** One value per epoch, NaN where an epoch did not report it. */
    public double[] series(String name) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = epochs.get(i).values().getOrDefault(name, Double.NaN);
        }
        return out;
    }

    /** The learning rate at the end of each epoch. */
    public double[] learningRates() {
        return epochs.stream().mapToDouble(Epoch::learningRate).toArray();
    }

    /** Writes {@code epoch,learning_rate,seconds,<names...>}, one row per epoch; missing values are empty. */
    public void writeCsv(Path file) {
        List<String> names = names();
        StringBuilder sb = new StringBuilder("epoch,learning_rate,seconds");
        names.forEach(n -> sb.append(',').append(csvField(n)));
        sb.append('\n');
        for (Epoch e : epochs) {
            sb.append(e.epoch()).append(',').append(number(e.learningRate())).append(',').append(number(e.seconds()));
            for (String n : names) {
                Double v = e.values().get(n);
                sb.append(',').append(v == null || v.isNaN() ? "" : number(v));
            }
            sb.append('\n');
        }
        write(file, sb.toString());
    }

    /** Writes {@code {"epochs": [{"epoch", "learning_rate", "seconds", "values": {...}}]}}; NaN becomes null. */
    public void writeJson(Path file) {
        StringBuilder sb = new StringBuilder("{\"epochs\": [");
        for (int i = 0; i < epochs.size(); i++) {
            Epoch e = epochs.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("  {\"epoch\": ").append(e.epoch())
                    .append(", \"learning_rate\": ").append(jsonNumber(e.learningRate()))
                    .append(", \"seconds\": ").append(jsonNumber(e.seconds())).append(", \"values\": {");
            int k = 0;
            for (Map.Entry<String, Double> v : e.values().entrySet()) {
                sb.append(k++ == 0 ? "" : ", ").append(jsonString(v.getKey())).append(": ")
                        .append(jsonNumber(v.getValue()));
            }
            sb.append("}}");
        }
        sb.append("\n]}\n");
        write(file, sb.toString());
    }

    /**
     * Writes {@code <prefix>.csv}, {@code <prefix>.json}, {@code <prefix>.png} and {@code <prefix>.svg} into
     * {@code dir} (created if needed) and returns their paths in that order.
     */
    public List<Path> saveAll(Path dir, String prefix) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("TrainingHistory: cannot create " + dir, e);
        }
        List<Path> files = List.of(dir.resolve(prefix + ".csv"), dir.resolve(prefix + ".json"),
                dir.resolve(prefix + ".png"), dir.resolve(prefix + ".svg"));
        writeCsv(files.get(0));
        writeJson(files.get(1));
        TrainingCurves curves = new TrainingCurves(this);
        curves.writePng(files.get(2));
        curves.writeSvg(files.get(3));
        return files;
    }

    private static String number(double v) {
        return Double.toString(v);
    }

    private static String jsonNumber(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("TrainingHistory: cannot write " + file, e);
        }
    }
}
