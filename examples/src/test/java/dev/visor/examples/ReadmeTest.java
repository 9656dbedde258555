package dev.visor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The root README's library section stays true: its Java example is the compiled {@link LibraryExample}
 * (the lines between the README markers), its Maven coordinates are the build's, and the example runs.
 */
class ReadmeTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theReadmeQuotesTheCompiledLibraryExample() throws IOException {
        String source = Files.readString(ROOT.resolve("examples/src/main/java/dev/visor/examples/LibraryExample.java"));
        Matcher body = Pattern.compile("// README:begin\\n(.*?)\\n\\s*// README:end", Pattern.DOTALL).matcher(source);
        assertTrue(body.find(), "LibraryExample has README markers");
        String expected = body.group(1).lines().map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher quoted = Pattern.compile("<!-- LibraryExample:[^\\n]*-->\\n```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(quoted.find(), "README.md has the LibraryExample block");
        assertEquals(expected, quoted.group(1), "README.md's library example differs from LibraryExample.java; copy it over");
    }

    @Test
    void theReadmesMavenCoordinatesAreTheBuilds() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>visor-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "the root pom names its version");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher dependency = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>([^<]+)</version>\\s*</dependency>").matcher(readme);
        assertTrue(dependency.find(), "README.md shows a Maven dependency");
        assertEquals("dev.visor", dependency.group(1));
        assertEquals(version.group(1), dependency.group(3), "the README's version is the pom's");
        String module = Files.readString(ROOT.resolve(dependency.group(2) + "/pom.xml"));
        assertTrue(module.contains("<artifactId>" + dependency.group(2) + "</artifactId>"), "a module of that artifactId exists");
        assertTrue(readme.contains("version `" + version.group(1) + "`"), "the prose names the same version");
    }

    @Test
    void theLibraryExampleRuns() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double accuracy;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            accuracy = LibraryExample.run(30);
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertTrue(out.contains("step 30: token accuracy "), out);
        assertTrue(out.strip().endsWith("]"), "prints the decoded tokens: " + out);
    }

    @Test
    void anExampleRejectsANonNumericArgumentWithAUsageLine() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExampleSupport.positiveInt(new String[] {"many"}, ReversalExample.class, "steps", 1500));
        assertEquals("steps must be a whole number of at least 1 but is 'many'; usage: java --add-modules jdk.incubator.vector "
                + "-cp examples/target/visor.jar dev.visor.examples.ReversalExample [steps]", e.getMessage());
        assertEquals(1500, ExampleSupport.positiveInt(new String[0], ReversalExample.class, "steps", 1500));
        assertEquals(7, ExampleSupport.positiveInt(new String[] {"7"}, ReversalExample.class, "steps", 1500));
    }
}
