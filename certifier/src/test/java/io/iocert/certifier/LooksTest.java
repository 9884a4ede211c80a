package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.LookPlan;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Spec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Certifying a result again spends the error allowance at the look its measurements record. */
class LooksTest {
    private static final long MS = 1_000_000L;
    private static final Spec SPEC =
            spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "p90", "<= 2 ms")));

    private static Result adaptive() {
        var h = histogram(9_900, MS);
        h.recordValueWithCount(5 * MS, 100);
        return result(latency("r", ProbeType.FS_READ, h).withLooks(new LookPlan(2, 4)));
    }

    @Test
    void shouldTakeTheFinalLookFromAMeasurementsPlan() {
        assertEquals(new Looks(2, 4, true), Looks.of(Optional.of(new LookPlan(2, 4))));
        assertEquals(Looks.SINGLE, Looks.of(Optional.empty()));
    }

    @Test
    void shouldJudgeAtTheConfidenceTheLookHadLeft() {
        RequirementVerdict v =
                Certifier.certify(SPEC, adaptive()).requirements().get(0);

        // Look 2 of 4, final: all but the first look's 1/16 of the 5% allowance.
        assertEquals(1 - 0.05 * (1 - 1.0 / 16), v.ci().confidence(), 1e-12);
        assertEquals(Verdict.PASS, v.verdict());
    }

    @Test
    void shouldGiveAVersion1DocumentThePlanItsContextRecorded() throws Exception {
        String v2 = new String(ResultCodec.toJson(adaptive()), StandardCharsets.UTF_8);
        String plan = "\"looks\": {\n        \"round\": 2,\n        \"maxRounds\": 4\n      }";
        assertTrue(v2.contains(plan), v2);
        String v1 = v2.replace("\"iocert-result/2\"", "\"iocert-result/1\"")
                .replace(plan, "\"context\": {\"rounds\": \"2\", \"maxRounds\": \"4\"}");

        Report fromV1 = Certifier.certify(SPEC, ResultCodec.fromJson(v1.getBytes(StandardCharsets.UTF_8), "v1"));
        Report fromV2 = Certifier.certify(SPEC, ResultCodec.fromJson(v2.getBytes(StandardCharsets.UTF_8), "v2"));

        assertEquals(fromV2.requirements(), fromV1.requirements());
        assertEquals(
                1 - 0.05 * (1 - 1.0 / 16), fromV1.requirements().get(0).ci().confidence(), 1e-12);
    }

    @Test
    void shouldShowThePlanAmongTheConditionsOfTheEvidence() {
        Result r = adaptive();
        Report report = Certifier.certify(SPEC, r);

        Evidence e = Evidence.of(report, r).get(0);

        assertEquals("2", e.context().get("rounds"));
        assertEquals("4", e.context().get("maxRounds"));
    }
}
