package io.iocert.probes.fs;

import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.UnusableInputException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.util.List;

/**
 * {@code fs.read}: writes one file per thread in full first (random data, every block, not
 * measured), then reads it front to back in {@code blockSize} operations, one outstanding per
 * thread, and measures the latency of each read (ns, HdrHistogram), and throughput (B/s) and
 * IOPS (ops/s) per interval. The read ends when the file is read, {@code duration} has passed
 * or the budget (which includes writing the file) is spent, whichever comes first. All files
 * live in the run's own {@code .iocert-<run-id>/} directory and are removed at the end.
 *
 * <p><b>Workload.</b> {@code pattern: random} picks a uniformly random whole block of the
 * thread's file for each operation (one generator per thread), after writing the file in full
 * (not measured). {@code totalSize} stops the run after that many bytes over all threads
 * (rounded down to whole blocks; sequential passes wrap to the start of their file); without
 * it each thread moves its file's size once, sequential or random. {@code duration} and the
 * budget end the run earlier. {@code initialize: true} reads every file once, front to back,
 * after writing it and before measuring (not measured, within the budget; O_DIRECT where
 * possible whatever {@code direct} says, so the page cache stays cold): a volume restored from
 * a snapshot, or a thin-provisioned or deduplicating layer, is slow on the first read of each
 * block, and without it the measurement would include that first touch. The context records
 * {@code initialized} (true or false) and, when true, {@code initializeNs}, how long the pre-read
 * took (its rate is itself a first-touch figure). {@code readPercent} (random only) makes each operation a read
 * with that probability; the latency histogram, throughput and IOPS then cover reads and
 * writes together. {@code rate} switches to an open loop: each thread plans its operations
 * {@code threads/rate} apart and latency runs from the planned start, so a stall counts
 * against every operation it delayed (coordinated omission corrected). {@code fsync: N}
 * forces the file after every N-th write of a thread and adds the sync to that write's
 * latency; {@code fsync: end} forces it once at the end and adds the sync to the last write
 * (so the run's span and throughput include it).
 *
 * <p><b>What spoils the measurement.</b>
 * <ul>
 *   <li>Page cache: a file read back from memory measures memory. The file is written with
 *       O_DIRECT where the filesystem allows, which leaves the page cache without it, so
 *       even {@code direct: false} reads start cold (readahead, which a buffered reader also
 *       gets in real life, still helps them). Where O_DIRECT is refused the file is cached
 *       and the result is marked {@code cacheAffected=true}; so is anything on tmpfs/ramfs.</li>
 *   <li>Caches below the filesystem (RAID controller, hypervisor host cache, device cache)
 *       still hold a file that was just written; use a file larger than them.</li>
 *   <li>Sparse or compressible files read faster than real data; this probe writes neither.</li>
 *   <li>Other load: steal time on virtual machines, other jobs on the same filesystem, CPU
 *       contention. In the closed loop (no {@code rate}) a stall shows up as one slow operation
 *       and fewer operations per interval, not as many slow ones; give a {@code rate} to see it
 *       in the latency of every delayed operation.</li>
 * </ul>
 */
public final class FsReadProbe implements Probe {
    private final FsProbeEngine engine;

    public FsReadProbe() {
        this(FsProbeEngine.standard());
    }

    FsReadProbe(FsProbeEngine engine) {
        this.engine = engine;
    }

    @Override
    public ProbeType type() {
        return ProbeType.FS_READ;
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException {
        return engine.run(ProbeType.FS_READ, requirement, context);
    }
}
