package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * kiln-bom (bom/pom.xml) must list exactly the modules users can depend on, at the reactor's version, so that
 * importing it aligns every Kiln artifact. A module that publishes nothing says so with {@code maven.deploy.skip}.
 */
class BomTest {

    private static final String BOM_DIR = "bom";

    private static Element bom() {
        return Reactor.modules().stream().filter(m -> m.directory().equals(BOM_DIR)).findFirst()
                .orElseThrow(() -> new AssertionError("the root pom does not list the " + BOM_DIR + " module"))
                .pom();
    }

    private static List<Element> managed() {
        Element management = Reactor.element(bom(), "dependencyManagement").orElseThrow();
        return Reactor.elements(Reactor.element(management, "dependencies").orElseThrow(), "dependency");
    }

    @Test
    void bomIsAParentlessPomAtTheReactorVersion() {
        Element bom = bom();
        assertThat(Reactor.element(bom, "parent")).as("kiln-bom must not inherit kiln-parent's management").isEmpty();
        assertThat(Reactor.text(bom, "groupId")).contains("dev.kiln");
        assertThat(Reactor.text(bom, "artifactId")).contains("kiln-bom");
        assertThat(Reactor.text(bom, "packaging")).contains("pom");
        assertThat(Reactor.text(bom, "version")).isEqualTo(Reactor.text(Reactor.rootPom(), "version"));
        assertThat(Reactor.element(bom, "dependencies")).as("a BOM manages versions, it adds no dependencies")
                .isEmpty();
    }

    @Test
    void bomManagesEveryPublishedModuleAndNothingElse() {
        List<String> published = Reactor.modules().stream().filter(Reactor.Module::publishedJar)
                .map(Reactor.Module::artifactId).toList();
        List<String> listed = managed().stream().map(d -> Reactor.text(d, "artifactId").orElseThrow()).toList();
        assertThat(published).as("published modules").contains("kiln-imperative", "kiln-block");
        assertThat(listed).as("kiln-bom's managed artifacts").containsExactlyInAnyOrderElementsOf(published);
    }

    @Test
    void bomPinsEachArtifactToTheProjectVersionAsAPlainJar() {
        for (Element dependency : managed()) {
            String id = Reactor.text(dependency, "artifactId").orElseThrow();
            assertThat(Reactor.text(dependency, "groupId")).as(id).contains("dev.kiln");
            assertThat(Reactor.text(dependency, "version")).as(id).contains("${project.version}");
            assertThat(Reactor.text(dependency, "type")).as(id + " type").isEmpty();
            assertThat(Reactor.text(dependency, "scope")).as(id + " scope").isEmpty();
        }
    }

    @Test
    void everyPublishedModuleBuildsSourcesAndJavadocJars() {
        Map<String, String> skipping = Reactor.modules().stream().filter(Reactor.Module::publishedJar)
                .filter(m -> m.property("maven.javadoc.skip").equals("true")
                        || m.property("maven.source.skip").equals("true"))
                .collect(Collectors.toMap(Reactor.Module::artifactId, Reactor.Module::directory));
        assertThat(skipping).as("published modules that skip their sources or Javadoc jar").isEmpty();
    }
}
