package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.cert.Keys;
import io.iocert.results.ResultCodec;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spec travels with the job, on real Slurm daemons ({@link SlurmTestCluster}, two nodes on
 * this host) configured as docs/slurm.md tells a site to: {@code ci/slurm/job_submit.lua} as the
 * job_submit plugin, {@code ci/slurm/iocert-prolog.sh} as the Prolog (PrologFlags=Alloc), and an
 * iocert.conf beside slurm.conf. What the plugin says reaches the test as sbatch's own output,
 * and what the prolog did as the node's drain reason and the job's state in scontrol.
 *
 * <p>One test runs {@code examples/spec-travels/spec-travels.sh} whole (it also needs umoci and a
 * cgroup v1 blkio throttle, else it is skipped saying so); the others check the plugin's answers
 * to bad submissions and the prolog's to a certificate that does not hold, against a spec
 * {@code gate} for which n1 holds a real signed certificate from {@code iocert run --sign}.
 *
 * <p>Preconditions as for {@link SlurmFleetIT}: root, slurm-wlm and munge, and the jar built.
 */
class SpecTravelsIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path SLURM_DIR =
            Path.of("..", "ci", "slurm").toAbsolutePath().normalize();
    private static final Path EXAMPLE = Path.of("..", "examples", "spec-travels", "spec-travels.sh")
            .toAbsolutePath()
            .normalize();
    private static final List<String> NODES = List.of("n1", "n2");
    private static final String SITE_FEATURE = "site_disk";
    private static final String GATE = "gate";
    private static final List<String> PLUGIN_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu/slurm-wlm",
            "/usr/lib/aarch64-linux-gnu/slurm-wlm",
            "/usr/lib64/slurm",
            "/usr/lib/slurm",
            "/usr/local/lib/slurm");
    private static final Path BLKIO_THROTTLE = Path.of("/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device");

    private static SlurmTestCluster cluster;
    private static Thread hook;
    private static String skipReason;
    /** Why the cluster did not start although this machine has everything it needs: a failure, not a skip. */
    private static String startProblem;

    private static Path specs;
    private static Path certs;
    private static Path index;
    private static Path revoked;
    private static Path key;
    /** The gate spec as n1 was certified for it, and n1's valid certificate. */
    private static String gateSpec;

    private static byte[] gateCertificate;

    private final List<String> jobs = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        skipReason = SlurmTestCluster.whyNot();
        if (skipReason == null && !Files.isRegularFile(JAR)) {
            skipReason = JAR.toAbsolutePath() + " is missing: run through 'mvn verify'";
        }
        if (skipReason == null && luaPlugin() == null) {
            skipReason = "Slurm's job_submit/lua plugin (job_submit_lua.so) is not in " + PLUGIN_DIRS
                    + " (Debian: slurm-wlm-basic-plugins)";
        }
        if (skipReason != null) {
            return;
        }
        cluster = new SlurmTestCluster(Files.createTempDirectory("iocert-spec-travels-it-"), NODES, SITE_FEATURE);
        hook = new Thread(cluster::stop, "spec-travels-it-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Path dir = cluster.dir;
        specs = Files.createDirectories(dir.resolve("specs"));
        certs = dir.resolve("certs");
        index = dir.resolve("index");
        revoked = Files.writeString(dir.resolve("revoked"), "");
        key = dir.resolve("ops.key");
        // Slurm loads job_submit.lua from the directory of slurm.conf; the prolog is the shipped file itself.
        Files.copy(SLURM_DIR.resolve("job_submit.lua"), dir.resolve("job_submit.lua"));
        Files.write(
                dir.resolve("iocert.conf"),
                List.of(
                        "# iocert settings of the test cluster",
                        "IOCERT=" + iocertCommand(),
                        "IOCERT_KEY=" + dir.resolve("ops.pub"),
                        "IOCERT_SPEC_DIR=" + specs,
                        "IOCERT_INDEX=" + index,
                        "IOCERT_CERT_DIR=" + certs + "/%n",
                        "IOCERT_REVOKED=" + revoked));
        // Everything is installed: a cluster that does not start (a job_submit.lua slurmctld refuses) is a failure.
        startProblem = cluster.start(List.of(
                "JobSubmitPlugins=lua", "Prolog=" + SLURM_DIR.resolve("iocert-prolog.sh"), "PrologFlags=Alloc"));
        if (startProblem != null) {
            return;
        }
        SlurmTestCluster.Run keygen =
                iocert(30, "keygen", "--out", dir.resolve("ops").toString());
        assertEquals(0, keygen.code(), keygen.out());
        certifyGateOnN1();
    }

    /** A real certification of n1 for 'gate': iocert run --sign, the certificate installed, the features applied. */
    private static void certifyGateOnN1() throws Exception {
        gateSpec = String.join(
                "\n",
                "iocert: v1",
                "name: " + GATE,
                "budget: 10s",
                "requirements:",
                "  - id: small-write",
                "    probe: fs.write",
                "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 4MiB, threads: 1}",
                "    expect: {latency: {mean: \"<= 1 s\"}}",
                "");
        Path spec = Files.writeString(specs.resolve(GATE + ".yaml"), gateSpec);
        Path fs = Files.createDirectories(cluster.dir.resolve("fs-gate"));
        Path out = cluster.dir.resolve("run-gate");
        SlurmTestCluster.Run run = iocert(
                120,
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                fs.toString(),
                "--sign",
                key.toString(),
                "--out",
                out.toString());
        assertEquals(0, run.code(), "the gate spec is met by any working node: " + run.out());
        gateCertificate = Files.readAllBytes(out.resolve("certificate.json"));
        installGateCertificate(gateCertificate);
        SlurmTestCluster.Run export = iocert(
                30,
                "export",
                "--to",
                "slurm",
                out.resolve("certificate.json").toString(),
                "--key",
                cluster.dir.resolve("ops.pub").toString(),
                "--node-name",
                "n1",
                "--out",
                cluster.dir.resolve("gate-n1.sh").toString());
        assertEquals(0, export.code(), export.out());
        SlurmTestCluster.Run apply =
                cluster.run(30, "sh", cluster.dir.resolve("gate-n1.sh").toString());
        assertEquals(0, apply.code(), apply.out());
        refreshIndex();
    }

    @BeforeEach
    void requireCluster() {
        assumeTrue(skipReason == null, skipReason);
        assertEquals(null, startProblem, "the test cluster did not start");
    }

    /** Cancels this test's jobs and puts drained nodes back, so the tests do not depend on their order. */
    @AfterEach
    void tidy() throws Exception {
        if (cluster == null || skipReason != null || startProblem != null) {
            return;
        }
        for (String id : jobs) {
            cluster.run(10, "scancel", id);
        }
        for (String node : NODES) {
            if (cluster.run(10, "scontrol", "show", "node", node).out().contains("DRAIN")) {
                cluster.run(10, "scontrol", "update", "NodeName=" + node, "State=RESUME");
            }
        }
        Files.writeString(specs.resolve(GATE + ".yaml"), gateSpec);
        installGateCertificate(gateCertificate);
        Files.writeString(revoked, "");
        refreshIndex();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    @Test
    void shouldCarryTheSpecFromTheReferenceNodeToTheCertifiedNodeOnly() throws Exception {
        assumeTrue(
                SlurmTestCluster.which("umoci") != null,
                "the example builds its image with umoci, which is not installed");
        assumeTrue(
                Files.isRegularFile(BLKIO_THROTTLE),
                "the example slows one node with a cgroup v1 blkio throttle: " + BLKIO_THROTTLE + " is missing");
        Path work = cluster.dir.resolve("travels");
        String dev = cluster.run(10, "stat", "-c", "%Hd:%Ld", cluster.dir.toString())
                .out()
                .trim();
        assumeTrue(
                Files.exists(Path.of("/sys/dev/block", dev)),
                cluster.dir + " is on " + dev
                        + ", no block device (tmpfs, overlay?): the write throttle would have nothing to slow down");

        // n2 is the good node: the scheduler's own first choice would be n1, so landing on n2 is the constraint's
        // doing.
        SlurmTestCluster.Run example = cluster.run(
                150,
                Map.of(
                        "GOOD_NODE",
                        "n2",
                        "SLOW_NODE",
                        "n1",
                        "IOCERT",
                        iocertCommand(),
                        "WORK",
                        work.toString(),
                        "SPEC_NAME",
                        "travels-demo"),
                "bash",
                EXAMPLE.toString());
        String log = example.out();
        System.out.println("SpecTravelsIT: the example's output:\n" + log);

        assertEquals(0, example.code(), log);
        // The spec the cluster registered is the one inside the image, byte for byte.
        Path registered = specs.resolve("travels-demo.json");
        SlurmTestCluster.Run extracted =
                iocert(30, "spec", "extract", "--image", "oci:" + work.resolve("image") + ":latest");
        assertEquals(0, extracted.code(), extracted.out());
        assertEquals(Files.readString(registered).trim(), extracted.out().trim());
        assertTrue(
                Files.readString(work.resolve("certify/n1/run/report.txt")).contains("Node verdict: NOT_ELIGIBLE"),
                "the throttled node must fail the spec");
        assertTrue(
                features("n2").contains("iocert_travels_demo"), features("n2").toString());
        assertTrue(
                !features("n1").contains("iocert_travels_demo"), features("n1").toString());
        // The first job: placed by the plugin, run on n2.
        Matcher first = Pattern.compile("job (\\d+) ran on (\\S+)").matcher(log);
        assertTrue(first.find(), log);
        assertEquals("n2", first.group(2), log);
        jobs.add(first.group(1));
        assertEquals("iocert_travels_demo", field(job(first.group(1)), "Features"));
        // The second job, after the revocation: refused by n2's prolog, n2 drained, the job requeued and held.
        Matcher second = Pattern.compile("job (\\d+): PENDING").matcher(log);
        assertTrue(second.find(), log);
        jobs.add(second.group(1));
        String held = job(second.group(1));
        assertEquals("launch_failed_requeued_held", field(held, "Reason"), held);
        assertTrue(
                held.contains("AdminComment=iocert: spec 'travels-demo': certificate ") && held.contains(" is revoked"),
                held);
        String n2 = node("n2");
        assertTrue(n2.contains("DRAIN"), n2);
        assertTrue(
                n2.contains("Reason=iocert: spec 'travels-demo': certificate "
                        + certs.resolve("n2").resolve("travels-demo.certificate.json") + " (sha256 "),
                n2);
        try (var left = Files.list(work.resolve("certify/n1/fs"))) {
            assertEquals(List.of(), left.toList(), "the probes leave their fs-path as they found it");
        }
    }

    @Test
    void shouldRefuseAJobThatNamesAnUnknownSpec() throws Exception {
        SlurmTestCluster.Run sbatch = sbatch(List.of("--comment", "iocert:spec=ocean"), script("echo never"));

        assertNotEquals(0, sbatch.code(), sbatch.out());
        // Other tests may have registered specs too: the list names at least 'gate'.
        assertTrue(
                sbatch.out()
                        .matches("(?s).*sbatch: error: iocert: --comment iocert:spec=ocean: unknown spec 'ocean'; "
                                + "this cluster knows (\\S+, )*" + GATE + "(, \\S+)* \\(registered in "
                                + Pattern.quote(specs.toString())
                                + "\\)\n.*"),
                sbatch.out());
    }

    @Test
    void shouldRefuseAJobWhoseSpecNoNodeIsCertifiedFor() throws Exception {
        Files.writeString(specs.resolve("lonely.yaml"), gateSpec.replace("name: " + GATE, "name: lonely"));
        refreshIndex();
        try {
            SlurmTestCluster.Run sbatch = sbatch(List.of(), script("#IOCERT spec=lonely", "echo never"));

            assertNotEquals(0, sbatch.code(), sbatch.out());
            assertTrue(
                    sbatch.out()
                            .contains("iocert: batch script line 2: no node is certified for spec 'lonely' "
                                    + "(no node has the feature iocert_lonely; index of "),
                    sbatch.out());
        } finally {
            Files.delete(specs.resolve("lonely.yaml"));
        }
    }

    @Test
    void shouldRefuseUnreadableOrConflictingSpecNames() throws Exception {
        SlurmTestCluster.Run typo = sbatch(List.of(), script("#SBATCH --time=1", "#IOCERT spc=gate", "echo never"));
        SlurmTestCluster.Run two =
                sbatch(List.of("--comment", "iocert:spec=" + GATE), script("#IOCERT spec=other", "echo never"));
        SlurmTestCluster.Run path = sbatch(List.of("--comment", "iocert:spec=../gate"), script("echo never"));
        SlurmTestCluster.Run or = sbatch(
                List.of("--comment", "iocert:spec=" + GATE, "--constraint", SITE_FEATURE + "|fast"),
                script("echo never"));

        assertTrue(
                typo.out()
                        .contains(
                                "iocert: batch script line 3: expected '#IOCERT spec=NAME', found '#IOCERT spc=gate'"),
                typo.out());
        assertTrue(
                two.out()
                        .contains(
                                "iocert: --comment names spec 'gate' but batch script line 2 names 'other'; a job has one"),
                two.out());
        assertTrue(
                path.out().contains("iocert: --comment iocert:spec=../gate: '../gate' is not a spec name"), path.out());
        assertTrue(or.out().contains("cannot add iocert_gate to the constraint 'site_disk|fast'"), or.out());
        for (SlurmTestCluster.Run r : List.of(typo, two, path, or)) {
            assertNotEquals(0, r.code(), r.out());
        }
    }

    @Test
    void shouldAddTheSpecsFeatureToTheJobsConstraintAndLeaveOtherJobsAlone() throws Exception {
        String placed = submitHeld(List.of("--comment", "iocert:spec=" + GATE, "--constraint", SITE_FEATURE));
        String plain = submitHeld(List.of("--constraint", SITE_FEATURE));
        String fromScript = submitHeld(List.of(), "#IOCERT spec=" + GATE);

        assertEquals(SITE_FEATURE + "&iocert_gate", field(job(placed), "Features"));
        assertEquals(SITE_FEATURE, field(job(plain), "Features"));
        assertEquals("iocert_gate", field(job(fromScript), "Features"));
        // A pending job keeps the feature its spec gave it when its constraint is changed.
        SlurmTestCluster.Run update =
                cluster.run(10, "scontrol", "update", "JobId=" + placed, "Features=" + SITE_FEATURE);
        assertEquals(0, update.code(), update.out());
        assertEquals(SITE_FEATURE + "&iocert_gate", field(job(placed), "Features"));
        // ... and a new spec named in its comment is checked like a submission.
        SlurmTestCluster.Run unknown =
                cluster.run(10, "scontrol", "update", "JobId=" + placed, "Comment=iocert:spec=ocean");
        assertNotEquals(0, unknown.code(), unknown.out());
        assertEquals(SITE_FEATURE + "&iocert_gate", field(job(placed), "Features"));
    }

    @Test
    void shouldRunAJobOnANodeWhoseCertificateHolds() throws Exception {
        String id = submit(List.of("--comment", "iocert:spec=" + GATE), script("echo \"ran on $SLURMD_NODENAME\""));

        String state = await(id, s -> SlurmTestCluster.FINAL_STATES.contains(field(s, "JobState")));
        assertEquals(
                "COMPLETED", field(state, "JobState"), state + SlurmTestCluster.read(cluster.dir.resolve(id + ".out")));
        assertEquals("ran on n1\n", SlurmTestCluster.read(cluster.dir.resolve(id + ".out")));
        assertTrue(!node("n1").contains("DRAIN"), node("n1"));
    }

    @Test
    void shouldDrainTheNodeAndRequeueTheJobWhenTheCertificateHasExpired() throws Exception {
        // The same node, spec and results, signed with the real key, but valid only until yesterday.
        Path run = cluster.dir.resolve("run-gate");
        byte[] result = Files.readAllBytes(run.resolve("result.json"));
        var report = Certifier.certify(
                SpecLoader.load(specs.resolve(GATE + ".yaml")), ResultCodec.read(run.resolve("result.json")));
        byte[] expired = Certificates.issue(
                report,
                List.of(new Certificates.ResultDigest("result.json", Certificates.sha256(result))),
                Instant.now().minus(Duration.ofDays(2)),
                Duration.ofDays(1),
                Keys.readPrivate(Files.readString(key), key.toString()),
                Keys.readPublic(Files.readString(cluster.dir.resolve("ops.pub")), "ops.pub"));
        installGateCertificate(expired);

        String reason = refusedOnN1();

        assertTrue(
                reason.matches("iocert: spec 'gate': "
                        + Pattern.quote(gateCertificatePath().toString())
                        + ": INVALID: expired at \\S+ \\(now \\S+\\)"),
                reason);
    }

    @Test
    void shouldDrainTheNodeWhenTheRegisteredSpecIsNotTheOneItWasCertifiedFor() throws Exception {
        // The site tightened 'gate' after n1 was certified: same name, another sha256.
        Files.writeString(specs.resolve(GATE + ".yaml"), gateSpec.replace("<= 1 s", "<= 500 ms"));

        String reason = refusedOnN1();

        assertTrue(
                reason.matches(
                        "iocert: spec 'gate': "
                                + Pattern.quote(gateCertificatePath().toString())
                                + ": INVALID: issued for spec 'gate' \\(sha256 [0-9a-f]{12}\\), not the given spec \\(sha256 [0-9a-f]{12}\\)"),
                reason);
    }

    @Test
    void shouldDrainTheNodeWhenItHasNoCertificateForTheSpec() throws Exception {
        // The feature is still set, but the certificate is gone (a reinstalled node, a wrong IOCERT_CERT_DIR).
        Files.delete(gateCertificatePath());

        String reason = refusedOnN1();

        assertEquals("iocert: spec 'gate': no certificate for this node at " + gateCertificatePath(), reason);
    }

    /** Submits a job for 'gate', which only n1 may run; returns n1's drain reason once the prolog refused the job. */
    private String refusedOnN1() throws Exception {
        String id = submit(List.of("--comment", "iocert:spec=" + GATE), script("echo must not run"));
        // On its way back to the queue the job is briefly COMPLETING with the requeue reason already set.
        String state = await(
                id,
                s -> field(s, "JobState").equals("PENDING")
                                && field(s, "Reason").contains("requeued")
                        || SlurmTestCluster.FINAL_STATES.contains(field(s, "JobState")));
        assertEquals("PENDING", field(state, "JobState"), state);
        assertEquals("launch_failed_requeued_held", field(state, "Reason"), state);
        assertEquals("", SlurmTestCluster.read(cluster.dir.resolve(id + ".out")), "the job must not have started");
        String n1 = node("n1");
        assertTrue(n1.contains("DRAIN"), n1);
        Matcher m = Pattern.compile("Reason=(iocert: .*?) \\[root@").matcher(n1);
        assertTrue(m.find(), n1);
        String multi = cluster.run(10, "scontrol", "show", "job", id).out();
        assertTrue(multi.contains("AdminComment=" + m.group(1) + " (node n1 drained)"), multi);
        return m.group(1);
    }

    private static Path luaPlugin() {
        return PLUGIN_DIRS.stream()
                .map(d -> Path.of(d, "job_submit_lua.so"))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElse(null);
    }

    private static Path gateCertificatePath() {
        return certs.resolve("n1").resolve(GATE + ".certificate.json");
    }

    private static void installGateCertificate(byte[] cert) throws IOException {
        Files.createDirectories(gateCertificatePath().getParent());
        Files.write(gateCertificatePath(), cert);
    }

    private static void refreshIndex() throws Exception {
        SlurmTestCluster.Run r =
                cluster.run(30, "sh", SLURM_DIR.resolve("iocert-index.sh").toString());
        assertEquals(0, r.code(), r.out());
    }

    private Path script(String... lines) throws IOException {
        List<String> all = new ArrayList<>(List.of("#!/bin/sh"));
        all.addAll(List.of(lines));
        return Files.write(Files.createTempFile(cluster.dir, "job-", ".sh"), all);
    }

    private SlurmTestCluster.Run sbatch(List<String> args, Path script) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "sbatch", "--parsable", "-o", cluster.dir.resolve("%j.out").toString()));
        cmd.addAll(args);
        cmd.add(script.toString());
        SlurmTestCluster.Run r = cluster.run(20, cmd.toArray(String[]::new));
        if (r.code() == 0) {
            jobs.add(r.out().trim().split(";")[0]);
        }
        return r;
    }

    private String submit(List<String> args, Path script) throws Exception {
        SlurmTestCluster.Run r = sbatch(args, script);
        assertEquals(0, r.code(), "sbatch refused the job: " + r.out());
        return r.out().trim().split(";")[0];
    }

    private String submitHeld(List<String> args, String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("--hold"));
        all.addAll(args);
        return submit(all, script(lines.length == 0 ? new String[] {"echo held"} : lines));
    }

    interface StateTest {
        boolean done(String show);
    }

    /** Polls 'scontrol show job -o' until {@code test} holds (60 s at most); the last answer. */
    private static String await(String id, StateTest test) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String show = job(id);
        while (!test.done(show)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "job " + id + " did not reach the state awaited in 60 s: " + show + cluster.tails());
            }
            Thread.sleep(250);
            show = job(id);
        }
        return show;
    }

    private static String job(String id) throws Exception {
        return cluster.run(10, "scontrol", "show", "job", "-o", id).out();
    }

    private static String node(String name) throws Exception {
        return cluster.run(10, "scontrol", "show", "node", "-o", name).out();
    }

    private static List<String> features(String node) throws Exception {
        String active = field(node(node), "ActiveFeatures");
        return List.of(active.split(","));
    }

    /** The value of NAME= in one line of scontrol -o output (up to the next space). */
    private static String field(String show, String name) {
        Matcher m = Pattern.compile("(?:^|\\s)" + name + "=(\\S*)").matcher(show);
        return m.find() ? m.group(1) : "";
    }

    private static SlurmTestCluster.Run iocert(int timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iocertCommand().split(" ")));
        cmd.addAll(List.of(args));
        return cluster.run(timeoutSeconds, cmd.toArray(String[]::new));
    }

    private static String iocertCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                + JAR.toAbsolutePath().normalize();
    }
}
