package io.gatehouse.config.bind;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a PEM file of certificates, such as a {@code ca = FILE} bundle: every block between
 * {@code -----BEGIN CERTIFICATE-----} and {@code -----END CERTIFICATE-----}, in order, as
 * {@code openssl} writes them and {@code /etc/ssl/certs/ca-certificates.crt} holds them. Text outside
 * the blocks (comments, {@code openssl x509 -text} output) and other kinds of block are skipped. Read
 * when the configuration is loaded, never on an IO thread; each problem is one message naming the file
 * and, inside it, the line.
 */
final class PemCertificates {
    /** Files larger than this are refused (the system's whole CA bundle is about 200 KiB). */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private PemCertificates() {
    }

    /**
     * The certificates of {@code file}, at least one.
     *
     * @throws BadValueException why there are none to use, e.g. {@code ca file /etc/x.pem does not exist}
     */
    static List<X509Certificate> read(Path file) throws BadValueException {
        String text = text(file);
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JVM has no X.509 certificate factory", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals(BEGIN)) {
                continue;
            }
            int line = i + 1; // of the BEGIN line, counted from 1
            StringBuilder base64 = new StringBuilder();
            int end = i + 1;
            while (end < lines.length && !lines[end].strip().equals(END)) {
                base64.append(lines[end].strip());
                end++;
            }
            if (end == lines.length) {
                throw new BadValueException("ca file " + file + ": the certificate at line " + line
                        + " has no " + END + " line");
            }
            certificates.add(certificate(factory, file, line, base64.toString()));
            i = end;
        }
        if (certificates.isEmpty()) {
            throw new BadValueException("ca file " + file + " holds no certificate; expected PEM blocks between "
                    + BEGIN + " and " + END);
        }
        return certificates;
    }

    private static X509Certificate certificate(CertificateFactory factory, Path file, int line, String base64)
            throws BadValueException {
        String where = "ca file " + file + ": the certificate at line " + line;
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new BadValueException(where + " is not valid base64");
        }
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new BadValueException(where + " is not a valid X.509 certificate");
        }
    }

    private static String text(Path file) throws BadValueException {
        try {
            if (Files.isDirectory(file)) {
                throw new BadValueException("ca file " + file + " is a directory; expected a PEM file of certificates");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new BadValueException("ca file " + file + " is larger than 4 MiB; expected a PEM file of certificates");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new BadValueException("ca file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new BadValueException("cannot read ca file " + file + ": permission denied");
        } catch (IOException e) {
            throw new BadValueException("cannot read ca file " + file + ": " + e.getMessage());
        }
    }
}
