package dev.kiln.data.vision;

import dev.kiln.KilnException;
import dev.kiln.data.Dataset;
import dev.kiln.data.DefaultBatchify;
import dev.kiln.ndarray.NDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in one sub-folder per class ({@code root/car/0001.jpg}, {@code root/bus/123.png}), as Gluon's
 * {@code ImageFolderDataset}: the class folders sorted by name give the labels 0, 1, ... ({@link #synsets()}), the
 * {@code .jpg}, {@code .jpeg} and {@code .png} files in each, sorted by name, the samples ({@link #items()}). Other
 * entries are skipped with a warning, as Gluon's. A sample is {@code [image (H, W, C) uint8, label () int32]}, the
 * image read by {@link Images#read(Path, int)} when the sample is asked for.
 */
public final class ImageFolderDataset implements Dataset<List<NDArray>> {
    private static final System.Logger LOG = System.getLogger(ImageFolderDataset.class.getName());
    private static final Set<String> EXTENSIONS = Set.of(".jpg", ".jpeg", ".png");

    /** One image file and its class label. */
    public record Item(Path file, int label) {
    }

    private final int flag;
    private final List<String> synsets = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();

    /** Colour images (flag 1) under {@code root}. */
    public ImageFolderDataset(Path root) {
        this(root, Images.COLOR);
    }

    /** Images under {@code root}, read with {@code flag} 0 (grey, 1 channel) or 1 (colour, 3 channels). */
    public ImageFolderDataset(Path root, int flag) {
        if (flag != Images.GRAYSCALE && flag != Images.COLOR) {
            throw new KilnException("ImageFolderDataset: flag must be 0 (grayscale) or 1 (colour), got " + flag);
        }
        this.flag = flag;
        if (!Files.isDirectory(Objects.requireNonNull(root, "root"))) {
            throw new KilnException("ImageFolderDataset: " + root + " is not a directory");
        }
        for (Path folder : sortedEntries(root)) {
            if (!Files.isDirectory(folder)) {
                LOG.log(System.Logger.Level.WARNING, "Ignoring {0}, which is not a directory.", folder);
                continue;
            }
            int label = synsets.size();
            synsets.add(folder.getFileName().toString());
            for (Path file : sortedEntries(folder)) {
                String ext = extension(file.getFileName().toString());
                if (!EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT))) {
                    LOG.log(System.Logger.Level.WARNING, "Ignoring {0} of type {1}. Only support .jpg, .jpeg, .png",
                            file, ext);
                    continue;
                }
                items.add(new Item(file, label));
            }
        }
    }

    private static List<Path> sortedEntries(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new KilnException("ImageFolderDataset: cannot list " + dir + ": " + e, e);
        }
    }

    /** The extension with its dot, as Python's {@code os.path.splitext} (a leading dot does not count). */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        int start = 0;
        while (start < name.length() && name.charAt(start) == '.') {
            start++;
        }
        return dot >= start ? name.substring(dot) : "";
    }

    /** The class names; {@code synsets().get(i)} is the name of label {@code i}. */
    public List<String> synsets() {
        return List.copyOf(synsets);
    }

    /** Every image file with its label, in sample order. */
    public List<Item> items() {
        return List.copyOf(items);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public List<NDArray> get(int index) {
        Item item = items.get(Objects.checkIndex(index, items.size()));
        return List.of(Images.read(item.file(), flag), DefaultBatchify.scalar(item.label()));
    }
}
