package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdMappingTest {

    private static List<String> ids(Imported i) {
        return i.sets().stream().map(s -> s.key() + "=" + s.id()).toList();
    }

    @Test
    void shouldMapKeysAndJobNamesAndKeepOtherDefaults() throws Exception {
        assertEquals(
                List.of("randread.read=restart-read", "seqwrite.write=seqwrite"),
                ids(Fixtures.load(
                        ImportFormat.FIO, "fio-two-jobs.json", Fixtures.map(Map.of("randread", "restart-read")))));
        assertEquals(
                List.of("fsyncwrite.write=ckpt-write", "fsyncwrite.sync=commit"),
                ids(Fixtures.load(
                        ImportFormat.FIO,
                        "fio-fsync.jsonplus.json",
                        Fixtures.map(Map.of("fsyncwrite.write", "ckpt-write", "fsyncwrite.sync", "commit")))));
    }

    @Test
    void shouldRefuseIdWhenThereAreSeveralSets() {
        IdMappingException e = assertThrows(
                IdMappingException.class,
                () -> Fixtures.load(
                        ImportFormat.FIO,
                        "fio-two-jobs.json",
                        new ImportOptions(Optional.of("r"), Map.of(), Optional.empty())));
        assertEquals(
                "--id needs an input with one measurement set, this one has 2: randread.read (fs.read),"
                        + " seqwrite.write (fs.write); name them with --map KEY=ID",
                e.getMessage());
    }

    @Test
    void shouldRefuseAJobNameThatWouldGiveTwoProbesOneId() {
        IdMappingException e = assertThrows(
                IdMappingException.class,
                () -> Fixtures.load(
                        ImportFormat.FIO, "fio-fsync.jsonplus.json", Fixtures.map(Map.of("fsyncwrite", "commit"))));
        assertEquals(
                "sets fsyncwrite.write and fsyncwrite.sync would both get the id 'commit'; the certifier matches"
                        + " requirements by id, so give each its own with --map KEY=ID",
                e.getMessage());
    }

    @Test
    void shouldRefuseUnknownKeysAndBadIds() {
        IdMappingException unknown = assertThrows(
                IdMappingException.class,
                () -> Fixtures.load(ImportFormat.FIO, "fio-two-jobs.json", Fixtures.map(Map.of("randwrite", "x"))));
        assertEquals(
                "--map randwrite=x: the input has no set 'randwrite'; its sets are randread.read (fs.read),"
                        + " seqwrite.write (fs.write)",
                unknown.getMessage());
        IdMappingException bad = assertThrows(
                IdMappingException.class,
                () -> Fixtures.load(
                        ImportFormat.IPERF3,
                        "iperf3-p2.json",
                        new ImportOptions(Optional.of("bulk transfer"), Map.of(), Optional.empty())));
        assertEquals(
                "--id 'bulk transfer' is not a requirement id; expected letters, digits, '.', '_' and '-',"
                        + " starting with a letter or digit",
                bad.getMessage());
        Map<String, String> both = new LinkedHashMap<>();
        both.put("iperf3", "a");
        IdMappingException combined = assertThrows(
                IdMappingException.class,
                () -> Fixtures.load(
                        ImportFormat.IPERF3,
                        "iperf3-p2.json",
                        new ImportOptions(Optional.of("b"), both, Optional.empty())));
        assertEquals("--id and --map cannot be combined; use --map for every set", combined.getMessage());
    }

    @Test
    void shouldMakeDefaultIdsThatSpecsAccept() {
        assertEquals("my-job-1", IdMapping.sanitize("my job#1"));
        assertEquals("x-tmp", IdMapping.sanitize("/tmp"));
    }
}
