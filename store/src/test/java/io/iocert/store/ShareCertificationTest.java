package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.NodeVerdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShareCertificationTest {

    private static List<NodeVerdict> verdicts(int eligible, int notEligible, int inconclusive) {
        List<NodeVerdict> v = new ArrayList<>();
        v.addAll(Collections.nCopies(eligible, NodeVerdict.ELIGIBLE));
        v.addAll(Collections.nCopies(notEligible, NodeVerdict.NOT_ELIGIBLE));
        v.addAll(Collections.nCopies(inconclusive, NodeVerdict.INCONCLUSIVE));
        return v;
    }

    @Test
    void shouldNeedTwentyNineCleanInstancesForNinetyPercentAtNinetyFive() {
        // 0.9^29 = 0.047 <= 0.05 < 0.9^28 = 0.052: the classic zero-failure sample size.
        assertEquals(
                NodeVerdict.INCONCLUSIVE,
                ShareCertification.of(verdicts(28, 0, 0), 0.9, 0.95).verdict());
        ShareCertification ok = ShareCertification.of(verdicts(29, 0, 0), 0.9, 0.95);
        assertEquals(NodeVerdict.ELIGIBLE, ok.verdict());
        assertEquals(Math.pow(0.05, 1.0 / 29), ok.lowerBound(), 1e-9);
    }

    @Test
    void shouldSayHowManyMoreInstancesWouldSettleIt() {
        ShareCertification c = ShareCertification.of(verdicts(10, 0, 0), 0.9, 0.95);
        assertEquals(NodeVerdict.INCONCLUSIVE, c.verdict());
        assertEquals(19, c.moreIfAllMeet().getAsInt());
        // Every further instance failing: how many until fewer than 90% is shown.
        assertTrue(c.moreIfAllFail().isPresent());
    }

    @Test
    void shouldCountUndecidedInstancesAgainstEligibleAndForNotEligible() {
        // 29 eligible + 1 inconclusive: not shown (the inconclusive one is not known to meet).
        assertEquals(
                NodeVerdict.INCONCLUSIVE,
                ShareCertification.of(verdicts(29, 0, 1), 0.9, 0.95).verdict());
        // 5 of 20 failing: the upper bound of the meeting share is below 90%.
        ShareCertification bad = ShareCertification.of(verdicts(15, 5, 0), 0.9, 0.95);
        assertEquals(NodeVerdict.NOT_ELIGIBLE, bad.verdict());
        assertTrue(bad.upperBound() < 0.9);
        // The same failures, but with the undecided ones counted as possibly meeting: not shown to fail.
        assertEquals(
                NodeVerdict.INCONCLUSIVE,
                ShareCertification.of(verdicts(10, 2, 8), 0.9, 0.95).verdict());
    }

    @Test
    void shouldCertifyAFailingTypeAtMostAtTheStatedRate() {
        // A type whose true share is just below the target (88% < 90%): ELIGIBLE must be rare,
        // at most 1 - confidence, whatever the number of instances.
        Random rnd = new Random(14);
        for (int n : new int[] {30, 60, 120}) {
            int trials = 4000;
            int wrong = 0;
            for (int t = 0; t < trials; t++) {
                int meet = 0;
                for (int i = 0; i < n; i++) {
                    meet += rnd.nextDouble() < 0.88 ? 1 : 0;
                }
                if (ShareCertification.of(verdicts(meet, n - meet, 0), 0.9, 0.95)
                                .verdict()
                        == NodeVerdict.ELIGIBLE) {
                    wrong++;
                }
            }
            assertTrue(wrong / (double) trials <= 0.05 + 0.01, n + " instances: " + wrong + " of " + trials);
        }
    }
}
