package io.iocert.cli.admit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook's one certificate and key, read again when their files change, so a renewal
 * (cert-manager rewrites the Secret, the kubelet swaps the mounted files at once) is served from
 * the next TLS handshake without a restart. Each handshake compares the files' modification
 * times, two stat calls beside the handshake's own work. A new pair that does not load (half
 * written, key not the certificate's) is logged once and the old one kept; it is tried again
 * when the files change again.
 *
 * <p>Every pair gets its own alias, so a handshake that chose one alias gets that pair's chain
 * and key even if the files change in between.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final Path certFile;
    private final Path keyFile;
    private final Consumer<String> log;
    private final Map<String, PemTls.Pair> pairs = new ConcurrentHashMap<>();
    private volatile String alias;
    private volatile List<FileTime> seen;

    ReloadingKeyManager(Path certFile, Path keyFile, Consumer<String> log) throws AdmitSetupException {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.log = log;
        List<FileTime> times = times();
        install(PemTls.read(certFile, keyFile), times);
    }

    PemTls.Pair current() {
        return pairs.get(alias);
    }

    private void install(PemTls.Pair pair, List<FileTime> times) {
        String previous = alias;
        String next = "iocert-admit-" + (pairs.size() + (previous == null ? 0 : 1)) + "-" + System.nanoTime();
        pairs.put(next, pair);
        alias = next;
        seen = times;
        if (previous != null) {
            // Keep the previous pair for handshakes that chose it a moment ago; drop older ones.
            pairs.keySet().removeIf(a -> !a.equals(next) && !a.equals(previous));
        }
    }

    private List<FileTime> times() {
        try {
            return List.of(Files.getLastModifiedTime(certFile), Files.getLastModifiedTime(keyFile));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Reloads when the files' times differ from those last seen. */
    private synchronized void refresh() {
        List<FileTime> now = times();
        if (now.isEmpty() || now.equals(seen)) {
            return;
        }
        try {
            PemTls.Pair pair = PemTls.read(certFile, keyFile);
            install(pair, now);
            log.accept("reloaded the TLS certificate from " + certFile + ": "
                    + pair.chain()[0].getSubjectX500Principal().getName() + ", valid until "
                    + pair.chain()[0].getNotAfter().toInstant());
        } catch (AdmitSetupException e) {
            seen = now;
            log.accept("warning: the changed TLS files do not load, still serving the previous certificate: "
                    + e.getMessage());
        }
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType);
    }

    private String choose(String keyType) {
        refresh();
        String a = alias;
        String algorithm = pairs.get(a).key().getAlgorithm();
        boolean fits = keyType == null
                || keyType.equals(algorithm)
                || (keyType.startsWith("EC") && algorithm.equals("EC"))
                || (keyType.equals("EdDSA") && algorithm.equals("Ed25519"))
                || (keyType.equals("Ed25519") && algorithm.equals("EdDSA"));
        return fits ? a : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = choose(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        PemTls.Pair p = pairs.get(alias);
        return p == null ? null : p.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PemTls.Pair p = pairs.get(alias);
        return p == null ? null : p.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
