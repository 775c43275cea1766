package dev.kiln.estimator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A checkpoint's file stem, Gluon's {@code <prefix>-epoch<E>batch<B>}, with a {@code .params} file (the net's
 * parameters) and a {@code .states} file (the trainer's state) beside it.
 */
record CheckpointName(String prefix, int epoch, int batch) {

    String stem() {
        return prefix + "-epoch" + epoch + "batch" + batch;
    }

    Path params(Path dir) {
        return dir.resolve(stem() + ".params");
    }

    Path states(Path dir) {
        return dir.resolve(stem() + ".states");
    }

    /** Every checkpoint of {@code prefix} in {@code dir} that has a parameter file, oldest (epoch, batch) first. */
    static List<CheckpointName> list(Path dir, String prefix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "-epoch(\\d+)batch(\\d+)\\.params");
        List<CheckpointName> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = pattern.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.add(new CheckpointName(prefix, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CheckpointHandler: cannot list " + dir, e);
        }
        found.sort(Comparator.comparingInt(CheckpointName::epoch).thenComparingInt(CheckpointName::batch));
        return found;
    }
}
