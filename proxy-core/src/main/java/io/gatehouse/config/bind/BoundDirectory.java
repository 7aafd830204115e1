package io.gatehouse.config.bind;

import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Every file of a directory after the section binders, before the whole-directory checks: each
 * occurrence of the global sections is kept (so that a second one can be reported with both places),
 * and sites are kept even when some of their values had errors (so the checks can still run).
 *
 * @param sites     one per file, in lexical order
 * @param clusters  every {@code [@name]} section, in order of appearance, duplicates included
 * @param proxyPass every {@code [proxypass]} section, in order of appearance
 * @param logs      every {@code [log]} section, in order of appearance
 * @param admins    the header of every {@code [admin]} section, in order of appearance
 */
public record BoundDirectory(Path confDir, List<SiteSpec> sites, List<BoundCluster> clusters,
                             List<ProxyPassSpec> proxyPass, List<LogSpec> logs, List<SourcePos> admins) {
    public BoundDirectory {
        Objects.requireNonNull(confDir, "confDir");
        sites = List.copyOf(sites);
        clusters = List.copyOf(clusters);
        proxyPass = List.copyOf(proxyPass);
        logs = List.copyOf(logs);
        admins = List.copyOf(admins);
    }

    /** A directory without {@code [admin]}. */
    public BoundDirectory(Path confDir, List<SiteSpec> sites, List<BoundCluster> clusters,
                          List<ProxyPassSpec> proxyPass, List<LogSpec> logs) {
        this(confDir, sites, clusters, proxyPass, logs, List.of());
    }
}
