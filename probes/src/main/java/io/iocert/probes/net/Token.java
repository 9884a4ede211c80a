package io.iocert.probes.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a client and an {@code iocert serve} share. It never crosses the wire; each side
 * proves it holds it over a fresh random nonce of the other side, so a fake server can no more
 * pass for the real one than a stranger for a client:
 * <ul>
 * <li>the client's hello carries its nonce {@code Nc}; the server answers with its own nonce
 *     {@code Ns} and its proof HMAC-SHA256(token, "iocert-peer-server/2\0" || Nc || Ns);</li>
 * <li>the client checks that proof, then answers HMAC-SHA256(token, "iocert-peer-client/2\0" ||
 *     Ns || Nc), which the server checks.</li>
 * </ul>
 * Both sides compare in constant time. The two labels differ, so one side's proof is never a
 * valid answer for the other (no reflection), and a captured exchange is useless for the next
 * connection, which has other nonces.
 */
public final class Token {
    /** Fewer bytes than this are refused: a short token can be guessed offline from one captured exchange. */
    public static final int MIN_BYTES = 16;

    private static final byte[] CLIENT_LABEL = "iocert-peer-client/2\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "iocert-peer-server/2\0".getBytes(StandardCharsets.US_ASCII);
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
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
            throw new IllegalArgumentException(
                    "token file " + file + " holds " + secret.length + " bytes; a token needs at least " + MIN_BYTES
                            + " (make one with: head -c 32 /dev/urandom | base64 > " + file + ")");
        }
        return new Token(secret);
    }

    static Token of(String text) {
        return new Token(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh random token, for a peer and its clients in one process (the in-process loopback peer). */
    public static Token random() {
        byte[] secret = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(secret);
        return new Token(secret);
    }

    /** The client's proof: over the server's nonce, then its own. */
    byte[] clientProof(byte[] serverNonce, byte[] clientNonce) {
        return mac(CLIENT_LABEL, serverNonce, clientNonce);
    }

    /** The server's proof: over the client's nonce, then its own. */
    byte[] serverProof(byte[] clientNonce, byte[] serverNonce) {
        return mac(SERVER_LABEL, clientNonce, serverNonce);
    }

    boolean verifyClient(byte[] serverNonce, byte[] clientNonce, byte[] answer) {
        return MessageDigest.isEqual(clientProof(serverNonce, clientNonce), answer);
    }

    boolean verifyServer(byte[] clientNonce, byte[] serverNonce, byte[] answer) {
        return MessageDigest.isEqual(serverProof(clientNonce, serverNonce), answer);
    }

    private byte[] mac(byte[] label, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label);
            mac.update(first);
            return mac.doFinal(second);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
