package io.gatehouse.auth.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque bearer tokens that an operator lists in a file, each mapped to a user, roles and an expiry
 * (the seed's {@code token -> (username, roles, expires)} table, kept outside the code).
 *
 * <p>Format, one token per line, fields separated by spaces or tabs:
 * <pre>
 * # TOKEN                  USER     ROLES        EXPIRES
 * 12345678-1234-123456     hansroh  user,admin   0
 * 9f2c1e7a-svc-reports     reports  reader       2027-01-31T00:00:00Z
 * b64+token/with=          ops      -            1798675200
 * </pre>
 * <ul>
 *   <li>{@code TOKEN}: RFC 7235 token68 characters (what a {@code Bearer} header can carry), unique in the file;</li>
 *   <li>{@code USER}: the user name for the request log and the member headers;</li>
 *   <li>{@code ROLES}: comma-separated, no spaces; {@code -} for none;</li>
 *   <li>{@code EXPIRES}: an ISO-8601 instant with its zone ({@code 2027-01-31T00:00:00Z}), or seconds since
 *       the epoch; {@code 0} or {@code -} for never (as the seed's {@code 0});</li>
 *   <li>blank lines and lines starting with {@code #} are ignored.</li>
 * </ul>
 *
 * <p>The file is looked at again at most every check interval, on the executor given to the
 * constructor (never the caller's thread), and re-read when its modification time or size changed.
 * A file with any bad line is refused as a whole: its problems (with line numbers) are kept as
 * {@link #problems()} and logged, and the last good content stays in use. Tokens are held by their
 * SHA-256, never as text.
 */
public final class OpaqueTokenFile implements TokenVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(OpaqueTokenFile.class);

    /** One token's entry. */
    record Entry(String user, List<String> roles, Instant expiresAt) {
    }

    private final Path path;
    private final Clock clock;
    private final PeriodicLoad loads;

    private volatile Map<TokenDigest, Entry> entries = Map.of();
    private volatile List<String> problems = List.of();
    private long fileModified = Long.MIN_VALUE; // written only by the (single) load in progress
    private long fileSize = -1;
    private boolean loadedOnce;

    /** Tokens from {@code path}, checked at most every {@code checkEvery}, read on {@code executor}. */
    public OpaqueTokenFile(Path path, Duration checkEvery, Clock clock, Executor executor) {
        this.path = Objects.requireNonNull(path, "path");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loads = new PeriodicLoad(this::load,
                rejected -> refuse(List.of(path + ": could not start a read: " + rejected)), checkEvery, clock, executor);
    }

    @Override
    public TokenVerdict verify(String token) {
        loads.startIfDue();
        Entry entry = entries.get(TokenDigest.of(token));
        if (entry == null) {
            return new TokenVerdict.Refused("unknown token");
        }
        if (entry.expiresAt() != null && !clock.instant().isBefore(entry.expiresAt())) {
            return new TokenVerdict.Refused("expired");
        }
        return new TokenVerdict.Verified(entry.user(), entry.roles(), entry.expiresAt());
    }

    /** The problems of the latest read ({@code path:line: message}), empty when it was good. */
    public List<String> problems() {
        return problems;
    }

    /** How many tokens are in use now. */
    public int size() {
        return entries.size();
    }

    /**
     * Starts a check now on the executor (unless one is running) and returns its completion (this
     * one's, or the one already running). For startup and tests.
     */
    public CompletableFuture<Void> reload() {
        return loads.start();
    }

    private void load() {
        List<String> lines;
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            long modified = attrs.lastModifiedTime().toMillis();
            if (loadedOnce && modified == fileModified && attrs.size() == fileSize) {
                return;
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            fileModified = modified;
            fileSize = attrs.size();
            loadedOnce = true;
        } catch (IOException | RuntimeException e) {
            refuse(List.of(path + ": cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage())));
            return;
        }
        List<String> found = new ArrayList<>();
        Map<TokenDigest, Entry> parsed = parse(lines, found);
        if (!found.isEmpty()) {
            refuse(found);
            return;
        }
        entries = Map.copyOf(parsed);
        problems = List.of();
        LOG.info("token file {}: {} token(s) loaded", path, parsed.size());
    }

    private void refuse(List<String> found) {
        problems = List.copyOf(found);
        LOG.warn("token file {} not used ({} problem(s), keeping the last good content): {}", path, found.size(),
                String.join("; ", found));
    }

    /** The entries of {@code lines}; each bad line adds {@code path:line: message} to {@code problems}. */
    Map<TokenDigest, Entry> parse(List<String> lines, List<String> problems) {
        Map<TokenDigest, Entry> out = new HashMap<>();
        Map<TokenDigest, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("[ \\t]+");
            if (f.length != 4) {
                problems.add(path + ":" + lineNo + ": expected TOKEN USER ROLES EXPIRES, got " + f.length + " field(s)");
                continue;
            }
            if (!BearerToken.isToken68(f[0])) {
                problems.add(path + ":" + lineNo + ": the token has characters a Bearer header cannot carry");
                continue;
            }
            Instant expires;
            try {
                expires = expiry(f[3]);
            } catch (IllegalArgumentException e) {
                problems.add(path + ":" + lineNo + ": expiry must be an ISO-8601 instant or epoch seconds, got "
                        + f[3]);
                continue;
            }
            List<String> roles = f[2].equals("-") ? List.of()
                    : List.copyOf(new LinkedHashSet<>(Arrays.asList(f[2].split(","))));
            if (roles.contains("")) {
                problems.add(path + ":" + lineNo + ": empty role in " + f[2]);
                continue;
            }
            TokenDigest key = TokenDigest.of(f[0]);
            Integer earlier = firstLine.putIfAbsent(key, lineNo);
            if (earlier != null) {
                problems.add(path + ":" + lineNo + ": token already listed on line " + earlier);
                continue;
            }
            out.put(key, new Entry(f[1], roles, expires));
        }
        return out;
    }

    private static Instant expiry(String text) {
        if (text.equals("-") || text.equals("0")) {
            return null;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(e);
            }
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
