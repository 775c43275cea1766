package dev.kiln.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated blocks of a Markdown page: each is a fenced code block right after a marker comment
 * {@code <!-- walkthrough:NAME -->}, whose body a test regenerates. Reads them, compares them with fresh output up to
 * the names of generated classes, and writes fresh output back into the page.
 */
final class DocBlocks {
    private static final Pattern BLOCK = Pattern.compile(
            "<!-- walkthrough:(\\S+) -->\\n(```[a-z]*\\n)(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
    /** A class the compiler generates, {@code Graph_<node>_<n>} or {@code Fused_<node>_<n>}. */
    private static final Pattern GENERATED_CLASS = Pattern.compile("\\b(?:Graph|Fused)_\\w+_\\d+\\b");

    private DocBlocks() {
    }

    /** The bodies of the page's generated blocks by marker name, in page order; a repeated name is an error. */
    static Map<String, String> read(String page) {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(page);
        while (m.find()) {
            if (blocks.put(m.group(1), m.group(3).stripTrailing()) != null) {
                throw new AssertionError("the marker walkthrough:" + m.group(1) + " appears twice");
            }
        }
        return blocks;
    }

    /** The page with each generated block's body replaced by {@code fresh}'s text of the same name. */
    static String write(String page, Map<String, String> fresh) {
        Matcher m = BLOCK.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String body = fresh.getOrDefault(m.group(1), m.group(3)).stripTrailing();
            m.appendReplacement(out, Matcher.quoteReplacement("<!-- walkthrough:" + m.group(1) + " -->\n"
                    + m.group(2) + (body.isEmpty() ? "" : body + "\n") + "```"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code text} with each generated class name replaced by its rank of first appearance: the names carry a
     * counter of the JVM's classes so far, and a kernel class may have been defined earlier for an equal expression.
     */
    static String normalised(String text) {
        Matcher m = GENERATED_CLASS.matcher(text);
        List<String> seen = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (!seen.contains(m.group())) {
                seen.add(m.group());
            }
            m.appendReplacement(out, "GeneratedClass" + (seen.indexOf(m.group()) + 1));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The first line where {@code expected} and {@code actual} differ, both shown, for a failure message. */
    static String firstDifference(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end>";
            String y = i < b.size() ? b.get(i) : "<end>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": the page has\n  " + x + "\nthe code gives\n  " + y;
            }
        }
        return "no line differs";
    }
}
