package io.iocert.certifier.export;

import static io.iocert.certifier.export.ExportFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmExporterTest {
    @TempDir
    Path tmp;

    private static String export(List<ExportNode> nodes, ExportOptions.FeaturesMode mode) throws ExportException {
        return ExportFormat.SLURM.export(nodes, new ExportOptions(NOW, mode, Optional.empty(), false));
    }

    @Test
    void shouldWriteOnePlainUpdatePerNodeInReplaceMode() throws Exception {
        String text = export(
                ExportFixtures.nodes(
                        ExportFixtures.fleet(
                                ExportFixtures.mixed("cn001.hpc.example"),
                                ExportFixtures.eligible("cn002.hpc.example", "ocean-checkpoint")),
                        "fleet.json"),
                ExportOptions.FeaturesMode.REPLACE);

        assertEquals(
                """
                #!/bin/sh
                # iocert export --to slurm, 2026-11-24T01:00:00Z: node features and Extra for 2 nodes.
                # Apply on a host with scontrol and the right to update nodes: sh THIS_FILE
                # Replace mode: each node's feature lists are set to iocert's ALONE (the site's own are removed).
                set -eu

                # cn001: spec 'ocean-checkpoint' NOT_ELIGIBLE from fleet.json
                scontrol update NodeName=cn001 AvailableFeatures=iocert_ocean_checkpoint__restart_read \
                ActiveFeatures=iocert_ocean_checkpoint__restart_read Extra='{"iocert":{"exported":"2026-11-24T01:00:00Z",\
                "specs":{"ocean-checkpoint":{"verdict":"NOT_ELIGIBLE","eligible":false,"sha256":"0123456789ab",\
                "source":"report","notPassed":["checkpoint-write","halo","quiet-cpu"]}}}}'

                # cn002: spec 'ocean-checkpoint' ELIGIBLE from fleet.json
                scontrol update NodeName=cn002 \
                AvailableFeatures=iocert_ocean_checkpoint,iocert_ocean_checkpoint__restart_read \
                ActiveFeatures=iocert_ocean_checkpoint,iocert_ocean_checkpoint__restart_read \
                Extra='{"iocert":{"exported":"2026-11-24T01:00:00Z","specs":{"ocean-checkpoint":{"verdict":"ELIGIBLE",\
                "eligible":true,"sha256":"0123456789ab","source":"report","notPassed":[]}}}}'
                """.replace("\\\n", "").replace("\\\r\n", ""),
                text.replace("\r\n", "\n").replace(" \\\n", " "));
    }

    @Test
    void shouldNameFeaturesWithLettersDigitsAndUnderscoresOnly() throws Exception {
        var cs = new ArrayList<Certification>();
        cs.addAll(ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "Ocean-v2-large")), "a.json"));
        List<String> features = SlurmExporter.features(
                ExportNode.group(cs, Optional.empty(), Optional.empty()).get(0));

        assertEquals(List.of("iocert_Ocean_v2_large", "iocert_Ocean_v2_large__restart_read"), features);
        assertTrue(features.stream().allMatch(f -> f.matches("[A-Za-z0-9_]+")));
    }

    @Test
    void shouldRefuseSpecNamesThatWouldNotMapOneToOne() throws Exception {
        // "a_b" and "a-b" would share iocert_a_b; "ocean.v2 (large)" would hold "__" and spill into
        // another spec's iocert_<spec>__ prefix.
        for (String name : List.of("a_b", "ocean.v2 (large)", "a--b", "-a", "a-", "a b")) {
            var cs = ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", name)), "one.json");
            ExportException e = assertThrows(
                    ExportException.class,
                    () -> export(
                            ExportNode.group(cs, Optional.empty(), Optional.empty()), ExportOptions.FeaturesMode.MERGE),
                    name);
            assertTrue(
                    e.getMessage()
                            .startsWith("one.json: spec '" + name + "' cannot name Slurm features: a spec"
                                    + " exported to Slurm must be named with letters and digits joined by single '-'"),
                    e.getMessage());
        }
    }

    @Test
    void shouldKeepAnotherSpecsFeaturesWhoseNameStartsLikeTheExportedOne() throws Exception {
        Path bin = fakeScontrol();
        // pp-test-big (what 'pp_test__big' is told to become) was exported before; pp-test now.
        Files.writeString(
                tmp.resolve("node-cn1"),
                "NodeName=cn1 AvailableFeatures=(null) ActiveFeatures=(null)" + " Extra=(null) State=IDLE\n");
        assertEquals(
                0,
                apply(
                                bin,
                                export(
                                        ExportFixtures.nodes(
                                                ExportFixtures.json(ExportFixtures.eligible("cn1", "pp-test-big")),
                                                "big.json"),
                                        ExportOptions.FeaturesMode.MERGE))
                        .code());
        Ran ran = apply(
                bin,
                export(
                        ExportFixtures.nodes(ExportFixtures.json(ExportFixtures.eligible("cn1", "pp-test")), "pp.json"),
                        ExportOptions.FeaturesMode.MERGE));

        assertEquals(0, ran.code(), ran.stderr());
        assertTrue(
                node("cn1")
                        .contains(" AvailableFeatures=iocert_pp_test_big,iocert_pp_test_big__restart_read,"
                                + "iocert_pp_test,iocert_pp_test__restart_read "),
                node("cn1"));
        // The name that used to collide is refused, on export and on withdrawal.
        var big = ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "pp_test__big")), "big.json");
        assertThrows(
                ExportException.class,
                () -> export(
                        ExportNode.group(big, Optional.empty(), Optional.empty()), ExportOptions.FeaturesMode.MERGE));
        assertThrows(
                ExportException.class,
                () -> ExportFormat.slurmWithdrawal(
                        List.of("cn1"), "pp_test__big", "x", ExportOptions.defaults(java.time.Instant.EPOCH)));
    }

    @Test
    void shouldGiveAnExpiredCertificateNoFeatures() throws Exception {
        List<ExportNode> nodes = ExportFixtures.nodes(
                ExportFixtures.certificate(ExportFixtures.eligible("cn1", "s"), Duration.ofDays(1)), "cert.json");

        assertEquals(List.of(), SlurmExporter.features(nodes.get(0)));
        String text = export(nodes, ExportOptions.FeaturesMode.MERGE);
        assertTrue(text.contains("# cn1: spec 's' EXPIRED (was ELIGIBLE) from cert.json\n"), text);
        assertTrue(
                text.contains("iocert_update 'cn1' '' '{\"iocert\":"), "merge drops the old iocert features: " + text);
        assertTrue(text.contains("\"expired\":true"), text);
    }

    @Test
    void shouldRefuseANodeNameThatIsNotOneForSlurm() throws Exception {
        List<Certification> cs =
                ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "s")), "r.json");
        List<ExportNode> nodes = ExportNode.group(cs, Optional.of("cn1;reboot"), Optional.empty());

        ExportException e = assertThrows(ExportException.class, () -> export(nodes, ExportOptions.FeaturesMode.MERGE));

        assertTrue(
                e.getMessage().startsWith("r.json: node name 'cn1;reboot' is not a Slurm node name"), e.getMessage());
    }

    @Test
    void shouldQuoteForTheShell() {
        assertEquals("'it'\\''s'", SlurmExporter.quote("it's"));
    }

    /** A stand-in for scontrol: shows and updates one file per node, and refuses what Slurm refuses. */
    private Path fakeScontrol() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("scontrol");
        Files.writeString(fake, """
                #!/bin/sh
                d=$FAKE_DIR
                if [ "$1" = show ]; then cat "$d/node-$4"; exit 0; fi
                [ "$1" = update ] || exit 9
                shift
                node=${1#NodeName=}; shift
                printf 'update %s' "$node" >> "$d/log"
                field() { tr ' ' '\\n' < "$d/node-$node" | sed -n "s/^$1=//p"; }
                subset() { # every entry of list $1 is in list $2
                  for x in $(printf '%s' "$1" | tr ',' ' '); do
                    [ "$x" = '(null)' ] && continue
                    case ",$2," in *",$x,"*) ;; *) echo "fake scontrol: $x is active, not available" >&2; exit 1;; esac
                  done
                }
                for a in "$@"; do
                  printf ' %s' "$a" >> "$d/log"
                  f=${a%%=*}; v=${a#*=}
                  [ -z "$v" ] && v='(null)'
                  case $f in
                    AvailableFeatures) subset "$(field ActiveFeatures)" "$v" ;;
                    ActiveFeatures) subset "$v" "$(field AvailableFeatures)" ;;
                  esac
                  awk -v f="$f" -v v="$v" '{ for (i = 1; i <= NF; i++) if (index($i, f "=") == 1) $i = f "=" v; print }' \\
                    "$d/node-$node" > "$d/tmp" && mv "$d/tmp" "$d/node-$node"
                done
                echo >> "$d/log"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private record Ran(int code, String stderr) {}

    private Ran apply(Path bin, String script) throws Exception {
        Path file = Files.writeString(tmp.resolve("apply.sh"), script);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", file.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("FAKE_DIR", tmp.toString());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the script finishes");
        return new Ran(p.exitValue(), err);
    }

    private String node(String name) throws Exception {
        return Files.readString(tmp.resolve("node-" + name)).strip();
    }

    private String log() throws Exception {
        Path log = tmp.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void shouldMergeWithTheSiteFeaturesAndReplaceOnlyOldIocertOnes() throws Exception {
        Path bin = fakeScontrol();
        // A stale feature of the exported spec (a requirement since renamed) goes; another spec's stays.
        Files.writeString(
                tmp.resolve("node-cn001"),
                "NodeName=cn001 Arch=x86_64 AvailableFeatures=gpu,"
                        + "iocert_ocean_checkpoint__retired,iocert_other_spec,ib ActiveFeatures=gpu,iocert_ocean_checkpoint__retired,"
                        + "iocert_other_spec,ib Gres=(null) Extra=(null) NodeAddr=cn001\n");
        Files.writeString(
                tmp.resolve("node-cn002"),
                "NodeName=cn002 AvailableFeatures=(null) ActiveFeatures=(null)" + " Extra=rack-7 State=IDLE\n");
        String script = export(
                ExportFixtures.nodes(
                        ExportFixtures.fleet(
                                ExportFixtures.mixed("cn001"), ExportFixtures.eligible("cn002", "ocean-checkpoint")),
                        "fleet.json"),
                ExportOptions.FeaturesMode.MERGE);

        Ran first = apply(bin, script);

        assertEquals(0, first.code(), first.stderr());
        assertTrue(
                node("cn001")
                        .contains(" AvailableFeatures=gpu,iocert_other_spec,ib,iocert_ocean_checkpoint__restart_read "),
                node("cn001"));
        assertTrue(
                node("cn001")
                        .contains(" ActiveFeatures=gpu,iocert_other_spec,ib,iocert_ocean_checkpoint__restart_read "),
                node("cn001"));
        assertTrue(node("cn001").contains(" Extra={\"iocert\":{\"exported\":\"2026-11-24T01:00:00Z\""), node("cn001"));
        assertTrue(
                log().startsWith("update cn001 ActiveFeatures=gpu,iocert_other_spec,ib\n"),
                "old iocert features leave ActiveFeatures" + " first, as scontrol requires: " + log());
        assertTrue(
                node("cn002")
                        .contains(" AvailableFeatures=iocert_ocean_checkpoint,"
                                + "iocert_ocean_checkpoint__restart_read "),
                node("cn002"));
        assertTrue(node("cn002").contains(" Extra=rack-7 "), "a site's own Extra stays: " + node("cn002"));
        assertTrue(
                first.stderr().contains("node cn002: Extra holds a value that is not iocert's; left unchanged"),
                first.stderr());

        Files.delete(tmp.resolve("log"));
        String before = node("cn001") + node("cn002");
        Ran again = apply(bin, script);
        assertEquals(0, again.code(), again.stderr());
        assertEquals(before, node("cn001") + node("cn002"), "applying twice changes nothing");
        assertFalse(log().contains("Features="), "and touches no feature list: " + log());
    }

    @Test
    void shouldWithdrawIocertFeaturesWhenACertificateExpires() throws Exception {
        Path bin = fakeScontrol();
        Files.writeString(
                tmp.resolve("node-cn1"),
                "NodeName=cn1 AvailableFeatures=iocert_s,iocert_s__restart_read,nvme"
                        + " ActiveFeatures=iocert_s,iocert_s__restart_read,nvme Extra={\"iocert\":{}} State=IDLE\n");
        String script = export(
                ExportFixtures.nodes(
                        ExportFixtures.certificate(ExportFixtures.eligible("cn1", "s"), Duration.ofDays(1)),
                        "cert.json"),
                ExportOptions.FeaturesMode.MERGE);

        Ran ran = apply(bin, script);

        assertEquals(0, ran.code(), ran.stderr());
        assertTrue(node("cn1").contains(" AvailableFeatures=nvme ActiveFeatures=nvme "), node("cn1"));
        assertTrue(node("cn1").contains("\"expired\":true"), node("cn1"));
    }

    @Test
    void shouldWithdrawOneSpecsFeaturesFromNodesWithoutAResult() throws Exception {
        Path bin = fakeScontrol();
        Files.writeString(
                tmp.resolve("node-cn7"),
                "NodeName=cn7 AvailableFeatures=nvme,iocert_s,iocert_s__restart_read,"
                        + "iocert_other ActiveFeatures=nvme,iocert_s,iocert_s__restart_read,iocert_other"
                        + " Extra={\"iocert\":{}} State=IDLE\n");
        String script = ExportFormat.slurmWithdrawal(
                java.util.List.of("cn7"),
                "s",
                "no current result",
                ExportOptions.defaults(java.time.Instant.parse("2026-11-24T01:00:00Z")));

        Ran ran = apply(bin, script);

        assertEquals(0, ran.code(), ran.stderr());
        assertTrue(
                node("cn7").contains(" AvailableFeatures=nvme,iocert_other ActiveFeatures=nvme,iocert_other "),
                node("cn7"));
        assertTrue(node("cn7").contains("\"withdrawn\":\"no current result\""), node("cn7"));
        assertThrows(
                ExportException.class,
                () -> ExportFormat.slurmWithdrawal(
                        java.util.List.of("cn7; rm -rf /"), "s", "x", ExportOptions.defaults(java.time.Instant.EPOCH)));
    }
}
