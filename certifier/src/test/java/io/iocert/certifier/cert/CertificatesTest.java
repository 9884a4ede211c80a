package io.iocert.certifier.cert;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificatesTest {
    private static final Instant ISSUED = Instant.parse("2026-11-23T12:00:00Z");
    private static final KeyPair KEYS = Keys.generate();

    private static Report report() {
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "p99", "<= 2 ms")));
        return Certifier.certify(spec, result(latency("r", ProbeType.FS_READ, histogram(1000, 1_650_000))));
    }

    private static byte[] certificate() {
        return Certificates.issue(
                report(),
                List.of(new Certificates.ResultDigest("result.json", "ab".repeat(32))),
                ISSUED,
                Duration.ofDays(30),
                KEYS.getPrivate(),
                KEYS.getPublic());
    }

    @Test
    void shouldVerifyWhatItIssuedAndSayWhatItBinds() {
        byte[] cert = certificate();
        Certificates.Verification v = Certificates.verify(
                cert, KEYS.getPublic(), Optional.of("ab".repeat(32)), ISSUED.plus(Duration.ofDays(1)));

        assertTrue(v.valid(), v.reason());
        var p = v.payload().orElseThrow();
        assertEquals("test-spec", p.at("/spec/name").asText());
        assertEquals("node-a", p.at("/node/hostname").asText());
        assertEquals("ab".repeat(32), p.at("/results/0/sha256").asText());
        assertEquals("PASS", p.at("/requirements/0/verdict").asText());
        assertEquals(0.95, p.at("/requirements/0/ci/confidence").asDouble());
        assertEquals("2026-12-23T12:00:00Z", p.at("/validUntil").asText());
        assertEquals(
                1,
                new String(cert, java.nio.charset.StandardCharsets.UTF_8)
                        .lines()
                        .count(),
                "one line");
    }

    @Test
    void shouldDetectEverySingleByteChange() {
        byte[] cert = certificate();
        Instant now = ISSUED.plus(Duration.ofDays(1));
        List<Integer> undetected = new ArrayList<>();
        for (int i = 0; i < cert.length; i++) {
            byte[] changed = cert.clone();
            changed[i] ^= 0x01;
            if (Certificates.verify(changed, KEYS.getPublic(), Optional.empty(), now)
                    .valid()) {
                undetected.add(i);
            }
        }
        assertEquals(List.of(), undetected, "byte positions whose change went unnoticed, of " + cert.length);
    }

    @Test
    void shouldRejectAnotherKeyAnExpiredCertificateAndAnotherSpec() {
        byte[] cert = certificate();
        KeyPair other = Keys.generate();
        Instant now = ISSUED.plus(Duration.ofDays(1));

        Certificates.Verification wrongKey = Certificates.verify(cert, other.getPublic(), Optional.empty(), now);
        assertFalse(wrongKey.valid());
        assertTrue(wrongKey.reason().startsWith("signed with key " + Keys.id(KEYS.getPublic())), wrongKey.reason());

        Certificates.Verification expired =
                Certificates.verify(cert, KEYS.getPublic(), Optional.empty(), ISSUED.plus(Duration.ofDays(31)));
        assertFalse(expired.valid());
        assertTrue(expired.reason().startsWith("expired at 2026-12-23T12:00:00Z"), expired.reason());

        Certificates.Verification spec = Certificates.verify(cert, KEYS.getPublic(), Optional.of("cd".repeat(32)), now);
        assertFalse(spec.valid());
        assertTrue(spec.reason().startsWith("issued for spec 'test-spec'"), spec.reason());

        assertFalse(Certificates.verify(
                        "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        KEYS.getPublic(),
                        Optional.empty(),
                        now)
                .valid());
    }

    @Test
    void shouldRoundTripKeysThroughPem() throws Exception {
        var priv = Keys.readPrivate(Keys.privatePem(KEYS.getPrivate()), "k");
        var pub = Keys.readPublic(Keys.publicPem(KEYS.getPublic()), "k.pub");
        byte[] cert = Certificates.issue(report(), List.of(), ISSUED, Duration.ofDays(1), priv, pub);
        assertTrue(Certificates.verify(cert, KEYS.getPublic(), Optional.empty(), ISSUED)
                .valid());
        Keys.KeyException e = org.junit.jupiter.api.Assertions.assertThrows(
                Keys.KeyException.class, () -> Keys.readPublic(Keys.privatePem(KEYS.getPrivate()), "k.pub"));
        assertTrue(e.getMessage().startsWith("k.pub: no '-----BEGIN PUBLIC KEY-----' block"), e.getMessage());
    }
}
