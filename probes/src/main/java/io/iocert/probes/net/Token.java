package io.iocert.probes.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a client and an {@code iocert serve} share. It never crosses the wire: the
 * server sends a fresh random nonce and the client answers HMAC-SHA256(token, label || nonce),
 * which the server recomputes and compares in constant time. A captured answer is useless for
 * the next connection, which gets another nonce.
 */
public final class Token {
    /** Fewer bytes than this are refused: a short token can be guessed offline from one captured exchange. */
    public static final int MIN_BYTES = 16;
    private static final byte[] LABEL = "iocert-peer-auth/1\0".getBytes(StandardCharsets.US_ASCII);
    private final byte[] secret;

    private Token(byte[] secret) {
        this.secret = secret;
    }

    /**
     * Reads a token file: its text with surrounding white space removed.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when its content is too short to be a secret
     */
    public static Token load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        byte[] secret = text.getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("token file " + file + " holds " + secret.length + " bytes; a token needs at least "
                    + MIN_BYTES + " (make one with: head -c 32 /dev/urandom | base64 > " + file + ")");
        }
        return new Token(secret);
    }

    static Token of(String text) {
        return new Token(text.getBytes(StandardCharsets.UTF_8));
    }

    byte[] sign(byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(LABEL);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    boolean verify(byte[] nonce, byte[] answer) {
        return MessageDigest.isEqual(sign(nonce), answer);
    }
}
