package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * {@code GET /versions.json}: Gatehouse's version, the Java runtime's, and every library's from its
 * jar's {@code META-INF/maven/GROUP/ARTIFACT/pom.properties} (read once: the classpath does not change).
 */
final class Versions {
    private static final Pattern POM = Pattern.compile("META-INF/maven/[^/]+/[^/]+/pom\\.properties");
    private static volatile ObjectNode cached;

    private Versions() {
    }

    static ObjectNode json() {
        ObjectNode v = cached;
        if (v == null) {
            v = read(Versions.class.getClassLoader());
            cached = v;
        }
        return v;
    }

    static ObjectNode read(ClassLoader loader) {
        Map<String, String> packages = new TreeMap<>();
        String gatehouse = version(loader, "io/gatehouse/app/version.properties");
        try {
            // every jar on the class path (its manifest Class-Path included) has a manifest
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                jar(manifests.nextElement(), packages);
            }
        } catch (IOException e) {
            // best effort: what was read is shown
        }
        ObjectNode o = Replies.object();
        o.put("gatehouse", gatehouse != null ? gatehouse : packages.getOrDefault("gatehouse-admin-console", "dev"));
        ObjectNode java = o.putObject("java");
        java.put("version", System.getProperty("java.version"));
        java.put("vendor", System.getProperty("java.vendor"));
        java.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        ObjectNode p = o.putObject("packages");
        packages.forEach(p::put);
        return o;
    }

    private static void jar(URL manifest, Map<String, String> packages) {
        String url = manifest.toString();
        int bang = url.indexOf("!/");
        if (!url.startsWith("jar:file:") || bang < 0) {
            return;
        }
        try (JarFile jar = new JarFile(new File(URI.create(url.substring(4, bang))))) {
            jar.stream().filter(e -> POM.matcher(e.getName()).matches()).forEach(e -> {
                try (InputStream in = jar.getInputStream(e)) {
                    Properties p = new Properties();
                    p.load(in);
                    String artifact = p.getProperty("artifactId");
                    String version = p.getProperty("version");
                    if (artifact != null && version != null) {
                        packages.put(artifact, version);
                    }
                } catch (IOException ignored) {
                    // a damaged entry: left out
                }
            });
        } catch (IOException | IllegalArgumentException e) {
            // not a readable jar: left out
        }
    }

    private static String version(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }
}
