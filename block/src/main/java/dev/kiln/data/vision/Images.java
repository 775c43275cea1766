package dev.kiln.data.vision;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads images with the JDK's ImageIO into HWC uint8 arrays, as {@code mx.image.imread}: flag {@link #COLOR} gives
 * three RGB channels (grey images are replicated, alpha is dropped), flag {@link #GRAYSCALE} one channel (colour
 * pixels become the luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded, in OpenCV's 14-bit fixed point). Samples
 * deeper than 8 bits keep their top 8 bits, as OpenCV's 8-bit conversion does. Raster samples are read directly, so
 * grey values pass through unchanged (ImageIO's {@code getRGB} would gamma-convert them).
 */
public final class Images {
    /** mx.image's flag 0: one grey channel. */
    public static final int GRAYSCALE = 0;
    /** mx.image's flag 1: three RGB channels. */
    public static final int COLOR = 1;

    private Images() {
    }

    /** The image in {@code file} as (height, width, 3) uint8 RGB. */
    public static NDArray read(Path file) {
        return read(file, COLOR);
    }

    /** The image in {@code file} as (height, width, 3) uint8 RGB for flag 1 or (height, width, 1) for flag 0. */
    public static NDArray read(Path file, int flag) {
        checkFlag(flag);
        if (!Files.isRegularFile(file)) {
            throw new KilnException("cannot read image " + file + ": no such file");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new FileFormatException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new FileFormatException("cannot decode image " + file + ": no ImageIO reader recognises its format "
                    + "(readable: " + Arrays.toString(ImageIO.getReaderFormatNames()) + ")");
        }
        return fromImage(image, flag);
    }

    /** Decodes encoded image bytes (PNG, JPEG, ...), as {@code mx.image.imdecode}. */
    public static NDArray decode(byte[] encoded, int flag) {
        checkFlag(flag);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new FileFormatException("cannot decode " + encoded.length + " image bytes: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new FileFormatException("cannot decode " + encoded.length + " image bytes: no ImageIO reader "
                    + "recognises the format");
        }
        return fromImage(image, flag);
    }

    /** The pixels of a decoded image as HWC uint8 with 3 channels (flag 1) or 1 (flag 0). */
    public static NDArray fromImage(BufferedImage image, int flag) {
        checkFlag(flag);
        int h = image.getHeight();
        int w = image.getWidth();
        int channels = flag == COLOR ? 3 : 1;
        byte[] out = new byte[h * w * channels];
        PixelReader reader = PixelReader.of(image);
        int[] rgb = new int[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = (y * w + x) * channels;
                if (channels == 1 && reader.grey) {
                    out[at] = (byte) reader.greySample(x, y);
                    continue;
                }
                reader.rgb(x, y, rgb);
                if (channels == 3) {
                    out[at] = (byte) rgb[0];
                    out[at + 1] = (byte) rgb[1];
                    out[at + 2] = (byte) rgb[2];
                } else {
                    out[at] = (byte) luma(rgb[0], rgb[1], rgb[2]);
                }
            }
        }
        return NDArray.wrap(Shape.of(h, w, channels), DType.UINT8, Device.cpu(), out);
    }

    /** OpenCV's RGB to grey: weights 4899, 9617, 1868 over 2^14, rounded. */
    static int luma(int r, int g, int b) {
        return (r * 4899 + g * 9617 + b * 1868 + (1 << 13)) >> 14;
    }

    private static void checkFlag(int flag) {
        if (flag != GRAYSCALE && flag != COLOR) {
            throw new KilnException("image flag must be 0 (grayscale, 1 channel) or 1 (colour, 3 channels), got "
                    + flag);
        }
    }

    /** Reads 8-bit RGB or grey values from whichever colour model the decoder produced. */
    private static final class PixelReader {
        private final BufferedImage image;
        private final Raster raster;
        private final IndexColorModel palette;
        private final boolean components;
        private final boolean grey;
        private final int[] bits;

        private PixelReader(BufferedImage image) {
            this.image = image;
            this.raster = image.getRaster();
            this.palette = image.getColorModel() instanceof IndexColorModel icm ? icm : null;
            var cm = image.getColorModel();
            int type = cm.getColorSpace().getType();
            this.components = cm instanceof ComponentColorModel
                    && ((type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1)
                    || (type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3));
            this.grey = components && type == ColorSpace.TYPE_GRAY;
            this.bits = cm.getComponentSize();
        }

        static PixelReader of(BufferedImage image) {
            return new PixelReader(image);
        }

        int greySample(int x, int y) {
            return to8(raster.getSample(x, y, 0), bits[0]);
        }

        void rgb(int x, int y, int[] out) {
            if (palette != null) {
                int index = raster.getSample(x, y, 0);
                out[0] = palette.getRed(index);
                out[1] = palette.getGreen(index);
                out[2] = palette.getBlue(index);
            } else if (grey) {
                int v = greySample(x, y);
                out[0] = v;
                out[1] = v;
                out[2] = v;
            } else if (components) {
                for (int c = 0; c < 3; c++) {
                    out[c] = to8(raster.getSample(x, y, c), bits[c]);
                }
            } else {
                int argb = image.getRGB(x, y);
                out[0] = (argb >> 16) & 0xFF;
                out[1] = (argb >> 8) & 0xFF;
                out[2] = argb & 0xFF;
            }
        }

        private static int to8(int sample, int bits) {
            if (bits == 8) {
                return sample;
            }
            return bits > 8 ? sample >>> (bits - 8) : sample * 255 / ((1 << bits) - 1);
        }
    }
}
