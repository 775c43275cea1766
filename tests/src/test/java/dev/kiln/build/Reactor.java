package dev.kiln.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The Maven reactor as its pom files describe it: the root pom's modules and what each module's pom says about being
 * published. The build checks of this package read the poms themselves, so a module added to the root pom is checked
 * without anyone remembering to list it here.
 */
final class Reactor {

    private Reactor() {
    }

    /**
     * One module of the root pom.
     *
     * @param directory the module's folder, as the root pom names it
     * @param pom       the module's pom, parsed
     */
    record Module(String directory, Element pom) {

        Path path() {
            return root().resolve(directory);
        }

        String artifactId() {
            return text(pom, "artifactId").orElseThrow();
        }

        /** A property the module's pom sets itself, or "" when it sets none. */
        String property(String name) {
            return element(pom, "properties").flatMap(p -> text(p, name)).orElse("");
        }

        /** Whether users get this module's jar: jar packaging and no {@code maven.deploy.skip}. */
        boolean publishedJar() {
            return text(pom, "packaging").orElse("jar").equals("jar") && !property("maven.deploy.skip").equals("true");
        }
    }

    /** The folder of the root pom (artifactId kiln-parent), found from the working directory upwards. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && text(parse(pom), "artifactId").orElse("").equals("kiln-parent")) {
                return dir;
            }
        }
        throw new IllegalStateException("no kiln-parent pom.xml above " + Path.of("").toAbsolutePath());
    }

    static Element rootPom() {
        return parse(root().resolve("pom.xml"));
    }

    /** The modules the root pom lists, in its order. */
    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        for (Element module : elements(element(rootPom(), "modules").orElseThrow(), "module")) {
            String dir = module.getTextContent().strip();
            modules.add(new Module(dir, parse(root().resolve(dir).resolve("pom.xml"))));
        }
        return modules;
    }

    static Element parse(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    /** The first direct child element named {@code tag}, if any. */
    static Optional<Element> element(Element parent, String tag) {
        return elements(parent, tag).stream().findFirst();
    }

    /** The trimmed text of the first direct child element named {@code tag}, if any. */
    static Optional<String> text(Element parent, String tag) {
        return element(parent, tag).map(e -> e.getTextContent().strip());
    }

    /** The direct child elements named {@code tag}, in document order. */
    static List<Element> elements(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                found.add(e);
            }
        }
        return found;
    }
}
