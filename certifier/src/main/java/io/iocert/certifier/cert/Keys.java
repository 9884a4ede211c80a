package io.iocert.certifier.cert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys for certificates, from the JDK's own provider, in PEM: the private key as
 * PKCS#8 ("PRIVATE KEY"), the public key as X.509 SubjectPublicKeyInfo ("PUBLIC KEY"), the
 * forms OpenSSL reads and writes.
 */
public final class Keys {
    static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private Keys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    /** The private key in {@code pem}; {@link KeyException} with what is wrong otherwise. */
    public static PrivateKey readPrivate(String pem, String source) throws KeyException {
        byte[] der = der(pem, PRIVATE, source);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException(source + ": not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    /** The public key in {@code pem}; {@link KeyException} with what is wrong otherwise. */
    public static PublicKey readPublic(String pem, String source) throws KeyException {
        byte[] der = der(pem, PUBLIC, source);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException(source + ": not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    /** A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its encoding. */
    public static String id(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String pem, String label, String source) throws KeyException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new KeyException(source + ": no '" + begin + "' block; expected a PEM file from 'iocert keygen'");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new KeyException(source + ": the " + label + " block is not valid base64");
        }
    }

    /** A key file that cannot be used, with the reason. */
    public static final class KeyException extends Exception {
        private static final long serialVersionUID = 1L;

        public KeyException(String message) {
            super(message);
        }
    }
}
