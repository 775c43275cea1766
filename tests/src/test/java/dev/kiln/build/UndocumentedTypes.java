package dev.kiln.build;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Finds the types that other packages can see (public or protected, inside types that are themselves visible;
 * members of interfaces are implicitly public) and that carry no Javadoc comment. It only parses the sources with
 * javac's tree API: no classpath, no annotation processing, a second or two for the whole codebase.
 */
final class UndocumentedTypes {

    private static final Set<Tree.Kind> IMPLICITLY_PUBLIC_MEMBERS =
            Set.of(Tree.Kind.INTERFACE, Tree.Kind.ANNOTATION_TYPE);

    private UndocumentedTypes() {
    }

    /**
     * The visible types without a Javadoc comment, each as "file: qualified name".
     *
     * @param files the sources to parse; a file that does not parse is an error, not a pass
     */
    static List<String> in(List<? extends JavaFileObject> files) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        var fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        JavacTask task = (JavacTask) javac.getTask(null, fileManager, diagnostics, List.of("-proc:none"), null, files);
        DocTrees trees = DocTrees.instance(task);
        List<String> missing = new ArrayList<>();
        try {
            for (CompilationUnitTree unit : task.parse()) {
                String pkg = unit.getPackageName() == null ? "" : unit.getPackageName() + ".";
                TreePath unitPath = new TreePath(unit);
                for (Tree type : unit.getTypeDecls()) {
                    if (type instanceof ClassTree c) {
                        check(trees, new TreePath(unitPath, c), pkg, false, missing);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (diagnostics.getDiagnostics().stream().anyMatch(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)) {
            throw new IllegalStateException("sources do not parse: " + diagnostics.getDiagnostics());
        }
        return missing;
    }

    private static void check(DocTrees trees, TreePath path, String prefix, boolean implicitlyPublic,
                              List<String> missing) {
        ClassTree type = (ClassTree) path.getLeaf();
        Set<Modifier> modifiers = type.getModifiers().getFlags();
        boolean visible = implicitlyPublic || modifiers.contains(Modifier.PUBLIC)
                || modifiers.contains(Modifier.PROTECTED);
        if (!visible) {
            return; // nothing nested in it is visible either
        }
        String name = prefix + type.getSimpleName();
        String comment = trees.getDocComment(path);
        if (comment == null || comment.isBlank()) {
            missing.add(path.getCompilationUnit().getSourceFile().getName() + ": " + name);
        }
        boolean membersPublic = IMPLICITLY_PUBLIC_MEMBERS.contains(type.getKind());
        for (Tree member : type.getMembers()) {
            if (member instanceof ClassTree nested) {
                check(trees, new TreePath(path, nested), name + ".", membersPublic, missing);
            }
        }
    }
}
