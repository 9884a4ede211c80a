package io.iocert.store;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.certifier.cert.Certificates;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Spec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Weekly certification histories in a store, for tests in other packages. */
public final class TestHistories {
    public static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    public static final long WEEK = 7 * 86_400L;

    private TestHistories() {}

    public static Spec spec() {
        return StoreFixtures.spec();
    }

    public static Result result(String host, String type, Instant at, double medianLatencyNs, long seed) {
        return StoreFixtures.result(host, type, at, medianLatencyNs, 600e6, seed);
    }

    /**
     * Records {@code weeks} weekly certifications of {@code host}; from week {@code stepAt} the
     * median latency is {@code factor} times higher. With {@code signLast} the last is signed.
     * Returns the result ids in order.
     */
    public static List<String> record(
            ResultStore store, String host, String type, int weeks, int stepAt, double factor, boolean signLast)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int w = 0; w < weeks; w++) {
            Result r = result(
                    host,
                    type,
                    T0.plusSeconds(WEEK * w),
                    800_000 * (w >= stepAt ? factor : 1),
                    host.hashCode() * 31L + w);
            Report report = Certifier.certify(spec(), r);
            byte[] doc = ResultCodec.toJson(r);
            byte[] cert = null;
            if (signLast && w == weeks - 1) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                cert = Certificates.issue(
                        report,
                        List.of(new Certificates.ResultDigest("result.json", Certificates.sha256(doc))),
                        r.endedAt(),
                        Duration.ofDays(30),
                        pair.getPrivate(),
                        pair.getPublic());
            }
            ids.add(store.record(r, doc, "run", report, cert, r.endedAt()).resultId());
        }
        return ids;
    }
}
