package dev.kiln.block;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of {@link ExportMetadata}: written pretty-printed, read by a streaming parser that checks every field
 * and turns a malformed, oversized or newer-version file into a {@link FileFormatException} naming the file and
 * field. Fields it does not know are skipped, so a later minor addition stays readable.
 */
final class ExportMetadataJson {
    /** The {@code format} marker, telling the file apart from other JSON. */
    static final String FORMAT = "kiln-export-metadata";
    /** Metadata files are a few hundred bytes; anything beyond this is not one. */
    private static final long MAX_BYTES = 1 << 20;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    private ExportMetadataJson() {
    }

    static String write(ExportMetadata m) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("format_version", m.formatVersion());
            g.writeStringField("block", m.block());
            g.writeNumberField("epoch", m.epoch());
            g.writeArrayFieldStart("inputs");
            for (ExportMetadata.Input in : m.inputs()) {
                g.writeStartObject();
                g.writeNumberField("position", in.position());
                g.writeBooleanField("present", in.present());
                if (in.present()) {
                    g.writeStringField("name", in.name());
                }
                writeShapeAndDtype(g, in.shape(), in.dtype());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("outputs");
            for (ExportMetadata.Output o : m.outputs()) {
                g.writeStartObject();
                g.writeStringField("name", o.name());
                writeShapeAndDtype(g, o.shape(), o.dtype());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }

    /** A shape as an array of dims ({@code null} for an unknown dim), left out when its rank is unknown. */
    private static void writeShapeAndDtype(JsonGenerator g, Shape shape, DType dtype) throws IOException {
        if (shape != null && shape.isRankKnown()) {
            g.writeArrayFieldStart("shape");
            for (int d : shape.dims()) {
                if (d == Shape.UNKNOWN) {
                    g.writeNull();
                } else {
                    g.writeNumber(d);
                }
            }
            g.writeEndArray();
        }
        if (dtype != null) {
            g.writeStringField("dtype", dtype.mxnetName());
        }
    }

    static ExportMetadata read(Path file) {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new FileFormatException("metadata file " + file + " is " + size + " bytes long, more than the "
                        + "limit of " + MAX_BYTES + "; it is not an export metadata file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KilnException("metadata file " + file + " does not exist", e);
        } catch (CharacterCodingException e) {
            throw new FileFormatException("metadata file " + file + " is not valid UTF-8", e);
        } catch (IOException e) {
            throw new KilnException("cannot read metadata file " + file + ": " + e.getMessage(), e);
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            return new Reader(p, file).document();
        } catch (JsonProcessingException e) {
            throw new FileFormatException("metadata file " + file + " is not valid JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new FileFormatException("cannot read metadata file " + file + ": " + e.getMessage(), e);
        } catch (FileFormatException e) {
            throw e;
        } catch (KilnException e) {
            throw new FileFormatException("metadata file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads one document, field by field, with the path of the field being read for errors. */
    private static final class Reader {
        private final JsonParser p;
        private final Path file;

        Reader(JsonParser p, Path file) {
            this.p = p;
            this.file = file;
        }

        ExportMetadata document() throws IOException {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the document");
            String format = null;
            Integer version = null;
            String block = null;
            int epoch = 0;
            List<ExportMetadata.Input> inputs = null;
            List<ExportMetadata.Output> outputs = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "format" -> format = string(t, field);
                    case "format_version" -> version = integer(t, field);
                    case "block" -> block = string(t, field);
                    case "epoch" -> epoch = integer(t, field);
                    case "inputs" -> inputs = inputs(t);
                    case "outputs" -> outputs = outputs(t);
                    default -> p.skipChildren();
                }
            }
            if (!FORMAT.equals(format)) {
                throw error("field 'format' is " + (format == null ? "missing" : "'" + format + "'") + ", not '"
                        + FORMAT + "'; it is not an export metadata file");
            }
            if (version == null || version < 1 || version > ExportMetadata.FORMAT_VERSION) {
                throw error("field 'format_version' is " + version + "; this Kiln reads versions 1 to "
                        + ExportMetadata.FORMAT_VERSION + " (a later version needs a later Kiln)");
            }
            if (block == null || inputs == null || outputs == null) {
                throw error("field '" + (block == null ? "block" : inputs == null ? "inputs" : "outputs")
                        + "' is missing");
            }
            return new ExportMetadata(version, block, epoch, inputs, outputs);
        }

        private List<ExportMetadata.Input> inputs(JsonToken t) throws IOException {
            List<ExportMetadata.Input> out = new ArrayList<>();
            for (Item it : items(t, "inputs")) {
                String where = "inputs[" + out.size() + "]";
                if (it.position() == null || it.position() != out.size()) {
                    throw error(where + ".position is " + it.position() + ", expected " + out.size()
                            + " (inputs are listed by position)");
                }
                Boolean present = it.present();
                if (present == null || present == (it.name() == null)) {
                    throw error(where + " must have 'present' and, exactly when present, a 'name'; it has present "
                            + present + " and name " + it.name());
                }
                out.add(new ExportMetadata.Input(out.size(), it.name(), present ? it.shape() : null,
                        present ? it.dtype() : null));
            }
            return out;
        }

        private List<ExportMetadata.Output> outputs(JsonToken t) throws IOException {
            List<ExportMetadata.Output> out = new ArrayList<>();
            for (Item it : items(t, "outputs")) {
                if (it.name() == null) {
                    throw error("outputs[" + out.size() + "] has no 'name'");
                }
                out.add(new ExportMetadata.Output(it.name(), it.shape(), it.dtype()));
            }
            return out;
        }

        /** The fields an input or output object may have; {@code null} where absent. */
        private record Item(Integer position, Boolean present, String name, Shape shape, DType dtype) {
        }

        /** An array of input or output objects, each field type-checked. */
        private List<Item> items(JsonToken t, String field) throws IOException {
            expect(t, JsonToken.START_ARRAY, "field '" + field + "'");
            List<Item> out = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String where = field + "[" + out.size() + "]";
                expect(p.currentToken(), JsonToken.START_OBJECT, where);
                Integer position = null;
                Boolean present = null;
                String name = null;
                Shape shape = null;
                DType dtype = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (key) {
                        case "position" -> position = integer(v, where + ".position");
                        case "present" -> present = bool(v, where + ".present");
                        case "name" -> name = string(v, where + ".name");
                        case "shape" -> shape = shape(v, where + ".shape");
                        case "dtype" -> dtype = dtype(v, where + ".dtype");
                        default -> p.skipChildren();
                    }
                }
                out.add(new Item(position, present, name, shape, dtype));
            }
            return out;
        }

        private Shape shape(JsonToken t, String where) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            expect(t, JsonToken.START_ARRAY, where);
            List<Integer> dims = new ArrayList<>();
            JsonToken d;
            while ((d = p.nextToken()) != JsonToken.END_ARRAY) {
                if (d == JsonToken.VALUE_NULL) {
                    dims.add(Shape.UNKNOWN);
                } else {
                    int v = integer(d, where + "[" + dims.size() + "]");
                    if (v < 0) {
                        throw error(where + "[" + dims.size() + "] is " + v + "; dims are >= 0, or null if unknown");
                    }
                    dims.add(v);
                }
            }
            return Shape.partial(dims.stream().mapToInt(Integer::intValue).toArray());
        }

        private DType dtype(JsonToken t, String where) throws IOException {
            String name = string(t, where);
            try {
                return DType.fromName(name);
            } catch (KilnException e) {
                throw error(where + " is '" + name + "', not a dtype: " + e.getMessage());
            }
        }

        private String string(JsonToken t, String where) throws IOException {
            expect(t, JsonToken.VALUE_STRING, where);
            return p.getText();
        }

        private int integer(JsonToken t, String where) throws IOException {
            expect(t, JsonToken.VALUE_NUMBER_INT, where);
            if (p.getNumberType() != JsonParser.NumberType.INT) {
                throw error(where + " is " + p.getText() + ", out of range");
            }
            return p.getIntValue();
        }

        private boolean bool(JsonToken t, String where) {
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                throw error(where + " must be true or false, got " + t);
            }
            return t == JsonToken.VALUE_TRUE;
        }

        private void expect(JsonToken t, JsonToken wanted, String where) {
            if (t != wanted) {
                throw error(where + " must be " + describe(wanted) + ", got " + (t == null ? "the end" : describe(t)));
            }
        }

        private static String describe(JsonToken t) {
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT -> "an integer";
                default -> t.asString() == null ? t.name() : t.asString();
            };
        }

        private FileFormatException error(String what) {
            return new FileFormatException("metadata file " + file + ": " + what);
        }
    }
}
