package io.iocert.cli.admit;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A server {@link SSLContext} from the PEM files a Kubernetes TLS Secret holds
 * ({@code tls.crt}: the certificate, then its chain; {@code tls.key}: the private key as
 * PKCS#8, PKCS#1 RSA or SEC1 EC, as cert-manager and openssl write them). The key must be
 * unencrypted and must belong to the certificate.
 */
final class PemTls {
    private PemTls() {}

    /** The certificate chain and key, checked, and what the certificate says (for the start-up line). */
    record Loaded(SSLContext context, X509Certificate certificate) {}

    /** A checked certificate chain with its key. */
    record Pair(X509Certificate[] chain, PrivateKey key) {}

    /** A server context whose certificate is read again when its files change (see {@link ReloadingKeyManager}). */
    static Loaded load(Path certFile, Path keyFile) throws AdmitSetupException {
        return load(certFile, keyFile, line -> {});
    }

    static Loaded load(Path certFile, Path keyFile, java.util.function.Consumer<String> log)
            throws AdmitSetupException {
        ReloadingKeyManager km = new ReloadingKeyManager(certFile, keyFile, log);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {km}, null, new SecureRandom());
            return new Loaded(context, km.current().chain()[0]);
        } catch (GeneralSecurityException e) {
            throw new AdmitSetupException(
                    "--tls-cert " + certFile + " and --tls-key " + keyFile + " cannot serve TLS: " + e.getMessage(), e);
        }
    }

    /** Reads and checks the pair: the chain, an unencrypted key, and that the key is the certificate's. */
    static Pair read(Path certFile, Path keyFile) throws AdmitSetupException {
        X509Certificate[] chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        checkPair(chain[0].getPublicKey(), key, certFile, keyFile);
        return new Pair(chain, key);
    }

    private static X509Certificate[] certificates(Path file) throws AdmitSetupException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new AdmitSetupException("--tls-cert " + file + " cannot be read: " + why(e));
        } catch (CertificateException e) {
            throw new AdmitSetupException("--tls-cert " + file + " is not a PEM certificate (" + e.getMessage()
                    + "); expected -----BEGIN CERTIFICATE----- blocks, the server's certificate first");
        }
        if (certs.isEmpty()) {
            throw new AdmitSetupException(
                    "--tls-cert " + file + " holds no certificate; expected -----BEGIN CERTIFICATE-----"
                            + " blocks, the server's certificate first");
        }
        return certs.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }

    private static PrivateKey privateKey(Path file) throws AdmitSetupException {
        Object o;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser p = new PEMParser(r)) {
            o = p.readObject();
            while (o != null
                    && !(o instanceof PEMKeyPair
                            || o instanceof PrivateKeyInfo
                            || o instanceof PEMEncryptedKeyPair
                            || o instanceof PKCS8EncryptedPrivateKeyInfo)) {
                o = p.readObject(); // EC PARAMETERS blocks and the like come before the key
            }
        } catch (IOException e) {
            throw new AdmitSetupException("--tls-key " + file + " cannot be read: " + why(e));
        }
        if (o == null) {
            throw new AdmitSetupException("--tls-key " + file + " holds no private key; expected a PEM block -----BEGIN"
                    + " PRIVATE KEY----- (PKCS#8), RSA PRIVATE KEY or EC PRIVATE KEY");
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new AdmitSetupException("--tls-key " + file + " is encrypted; expected an unencrypted key, as a"
                    + " Kubernetes TLS Secret holds it (openssl pkey -in KEY -out PLAIN)");
        }
        try {
            JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
            return o instanceof PEMKeyPair kp
                    ? convert.getKeyPair(kp).getPrivate()
                    : convert.getPrivateKey((PrivateKeyInfo) o);
        } catch (PEMException e) {
            throw new AdmitSetupException("--tls-key " + file + ": the key cannot be used (" + e.getMessage()
                    + "); expected an RSA, EC or Ed25519 private key");
        }
    }

    /** Signs and verifies a few bytes: a key that is not the certificate's would fail every handshake. */
    private static void checkPair(PublicKey publicKey, PrivateKey key, Path certFile, Path keyFile)
            throws AdmitSetupException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        boolean matches = false;
        if (algorithm != null && publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            try {
                byte[] probe = "iocert admit key check".getBytes(StandardCharsets.US_ASCII);
                Signature s = Signature.getInstance(algorithm);
                s.initSign(key);
                s.update(probe);
                byte[] signature = s.sign();
                s.initVerify(publicKey);
                s.update(probe);
                matches = s.verify(signature);
            } catch (GeneralSecurityException e) {
                matches = false;
            }
        }
        if (!matches) {
            throw new AdmitSetupException("--tls-key " + keyFile + " (" + key.getAlgorithm() + ") is not the key of the"
                    + " certificate in --tls-cert " + certFile + " (" + publicKey.getAlgorithm() + "); expected the"
                    + " pair from one TLS Secret (tls.crt and tls.key)");
        }
    }

    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
