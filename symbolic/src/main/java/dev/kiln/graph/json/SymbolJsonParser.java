package dev.kiln.graph.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.kiln.FileFormatException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the structure of a symbol JSON document with Jackson's streaming parser, whose limits (document length,
 * token count, nesting depth) bound the time and memory a hostile file can cost. Checks every field's JSON type and
 * accepts what nnvm's reader accepts: {@code attrs} or legacy {@code attr} plus {@code param} on nodes, 2- or
 * 3-element entries, optional {@code node_row_ptr} and {@code attrs}; unknown fields are errors, as in nnvm.
 */
final class SymbolJsonParser {
    private static final Set<String> GRAPH_FIELDS = Set.of("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs");
    private static final Set<String> NODE_FIELDS = Set.of("op", "name", "inputs", "attrs", "attr", "param",
            "control_deps", "subgraphs", "backward_source_id");

    private final JsonParser p;

    private SymbolJsonParser(JsonParser p) {
        this.p = p;
    }

    private static final JsonFactory DEFAULT_FACTORY = build(SymbolJson.Limits.DEFAULT);

    /** A parser factory enforcing {@code limits} (factories are thread-safe; the default one is shared). */
    static JsonFactory factory(SymbolJson.Limits limits) {
        return limits.equals(SymbolJson.Limits.DEFAULT) ? DEFAULT_FACTORY : build(limits);
    }

    private static JsonFactory build(SymbolJson.Limits limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxDocumentLength(limits.maxBytes())
                .maxTokenCount(limits.maxTokens())
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxBytes()))
                .maxNumberLength(64)
                .build();
        // dmlc's writer leaves control characters other than \r \n \t unescaped; accept them back
        return JsonFactory.builder().streamReadConstraints(constraints)
                .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();
    }

    /**
     * Reads one document from {@code p} and closes it; malformed or mistyped input is a {@link FileFormatException}.
     */
    static RawGraph parse(JsonParser p) {
        try (p) {
            SymbolJsonParser reader = new SymbolJsonParser(p);
            if (p.nextToken() == null) {
                throw new FileFormatException("symbol JSON is empty");
            }
            RawGraph g = reader.graph();
            if (p.nextToken() != null) {
                throw reader.error("unexpected content after the graph object");
            }
            return g;
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage().replaceAll(", from `[^`]*`\\)", ")");
            throw new FileFormatException("symbol JSON exceeds the reader's limits" + where(e) + ": " + message
                    + "; see SymbolJson.Limits", e);
        } catch (JsonProcessingException e) {
            throw new FileFormatException("malformed symbol JSON" + where(e) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FileFormatException("cannot read symbol JSON: " + e.getMessage(), e);
        }
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private RawGraph graph() throws IOException {
        expect(JsonToken.START_OBJECT, "the graph");
        List<RawGraph.RawNode> nodes = null;
        int[] argNodes = null;
        List<int[]> heads = null;
        Integer version = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "nodes" -> nodes = nodes();
                case "arg_nodes" -> argNodes = ints("arg_nodes");
                case "node_row_ptr" -> ints("node_row_ptr"); // derived from the nodes; nnvm ignores it too
                case "heads" -> heads = entries("heads");
                case "attrs" -> version = graphAttrs();
                default -> throw error("unknown graph field '" + field + "'; expected one of " + GRAPH_FIELDS);
            }
        }
        requireField(nodes, "nodes", "the graph");
        requireField(argNodes, "arg_nodes", "the graph");
        requireField(heads, "heads", "the graph");
        return new RawGraph(nodes, argNodes, heads, version);
    }

    private List<RawGraph.RawNode> nodes() throws IOException {
        expect(JsonToken.START_ARRAY, "'nodes'");
        List<RawGraph.RawNode> nodes = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            nodes.add(node(nodes.size()));
        }
        return nodes;
    }

    private RawGraph.RawNode node(int index) throws IOException {
        String where = "node " + index;
        expect(JsonToken.START_OBJECT, where);
        String op = null;
        String name = null;
        List<int[]> inputs = null;
        Map<String, String> dict = new LinkedHashMap<>();
        Map<String, String> param = Map.of();
        int[] controlDeps = new int[0];
        int subgraphs = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            String what = where + (name == null ? "" : " '" + name + "'") + " field '" + field + "'";
            switch (field) {
                case "op" -> op = string(what);
                case "name" -> name = string(what);
                case "inputs" -> inputs = entries(what);
                case "attrs", "attr" -> dict = stringMap(what); // nnvm reads both into one map; the last wins
                case "param" -> param = stringMap(what);
                case "control_deps" -> controlDeps = ints(what);
                case "subgraphs" -> subgraphs = skipArray(what);
                case "backward_source_id" -> integer(what, Long.MIN_VALUE);
                default -> throw error(where + ": unknown field '" + field + "'; expected one of " + NODE_FIELDS);
            }
        }
        requireField(op, "op", where);
        requireField(name, "name", where);
        requireField(inputs, "inputs", where + " '" + name + "'");
        // legacy 0.8 files keep op parameters under "param"; nnvm merges them without overriding attrs
        param.forEach(dict::putIfAbsent);
        return new RawGraph.RawNode(op, name, dict, inputs, controlDeps, subgraphs);
    }

    /** A list of {@code [node, output]} or {@code [node, output, version]} entries. */
    private List<int[]> entries(String what) throws IOException {
        expect(JsonToken.START_ARRAY, what);
        List<int[]> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String item = what + " item " + out.size();
            expect(JsonToken.START_ARRAY, item + " (an entry [node, output, version])");
            long[] v = new long[3];
            int n = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (n == 3) {
                    throw error(item + ": an entry has 2 or 3 numbers [node, output, version], this one more");
                }
                v[n] = integer(item, 0);
                n++;
            }
            if (n < 2) {
                throw error(item + ": an entry has 2 or 3 numbers [node, output, version], this one " + n);
            }
            out.add(new int[] {(int) v[0], (int) v[1]});
        }
        return out;
    }

    private int[] ints(String what) throws IOException {
        expect(JsonToken.START_ARRAY, what);
        int[] out = new int[8];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = (int) integer(what, 0);
        }
        return Arrays.copyOf(out, n);
    }

    private Map<String, String> stringMap(String what) throws IOException {
        expect(JsonToken.START_OBJECT, what);
        Map<String, String> out = new LinkedHashMap<>();
        String key;
        while ((key = p.nextFieldName()) != null) {
            p.nextToken();
            out.put(key, string(what + " key '" + key + "'"));
        }
        return out;
    }

    /** The graph's {@code attrs}: dmlc "any" values {@code [type, value]}; returns {@code mxnet_version} or null. */
    private Integer graphAttrs() throws IOException {
        expect(JsonToken.START_OBJECT, "graph 'attrs'");
        Integer version = null;
        String key;
        while ((key = p.nextFieldName()) != null) {
            String what = "graph attribute '" + key + "'";
            p.nextToken();
            expect(JsonToken.START_ARRAY, what + " (a [type, value] pair)");
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw error(what + ": expected a [type, value] pair starting with the type name");
            }
            String type = p.getText();
            if (p.nextToken() == JsonToken.END_ARRAY) {
                throw error(what + ": expected a [type, value] pair, got only the type");
            }
            if (key.equals("mxnet_version")) {
                if (!type.equals("int")) {
                    throw error(what + ": expected [\"int\", version], got type '" + type + "'");
                }
                version = (int) integer(what, 0);
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw error(what + ": expected a [type, value] pair, got more items");
            }
        }
        return version;
    }

    private int skipArray(String what) throws IOException {
        expect(JsonToken.START_ARRAY, what);
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            n++;
        }
        return n;
    }

    private String string(String what) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw error(what + ": expected a string, got " + describe(p.currentToken()));
        }
        return p.getText();
    }

    /** An integer token in [min, 2^31 - 1]. */
    private long integer(String what, long min) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw error(what + ": expected an integer, got " + describe(p.currentToken()));
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw error(what + ": integer " + p.getText() + " is out of range");
        }
        int v = p.getIntValue();
        if (v < min) {
            throw error(what + ": expected a non-negative integer, got " + v);
        }
        return v;
    }

    private void expect(JsonToken token, String what) throws IOException {
        if (p.currentToken() != token) {
            throw error(what + ": expected " + describe(token) + ", got " + describe(p.currentToken()));
        }
    }

    private void requireField(Object value, String field, String where) {
        if (value == null) {
            throw new FileFormatException("symbol JSON: " + where + " has no '" + field + "' field");
        }
    }

    private String describe(JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the document";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case END_OBJECT, END_ARRAY -> "'" + t.asString() + "'";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private FileFormatException error(String message) {
        JsonLocation at = p.currentLocation();
        return new FileFormatException("symbol JSON line " + at.getLineNr() + ", column " + at.getColumnNr() + ": "
                + message);
    }
}
