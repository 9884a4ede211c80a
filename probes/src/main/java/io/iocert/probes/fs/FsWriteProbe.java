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
 * {@code fs.write}: writes one file per thread front to back in {@code blockSize} operations,
 * one outstanding per thread, and measures the latency of each write (ns, HdrHistogram), and
 * throughput (B/s) and IOPS (ops/s) per interval. Data is random and refreshed per block, so
 * neither compression nor deduplication flatters the result, and every block is written, so
 * the file has no holes. The run ends when the file is written, {@code duration} has passed or
 * the budget is spent, whichever comes first. All files live in the run's own
 * {@code .iocert-<run-id>/} directory and are removed at the end.
 *
 * <p><b>Workload.</b> {@code pattern: random} picks a uniformly random whole block of the
 * thread's file for each operation (one generator per thread), after writing the file in full
 * (not measured). {@code totalSize} stops the run after that many bytes over all threads
 * (rounded down to whole blocks; sequential passes wrap to the start of their file); without
 * it each thread moves its file's size once, sequential or random. {@code duration} and the
 * budget end the run earlier. {@code readPercent} (random only) makes each operation a read
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
 *   <li>Page cache: with {@code direct: false}, or {@code direct: auto} where O_DIRECT is
 *       refused, writes land in memory and are flushed later; without {@code fsync} this
 *       measures memory, not the device. Such results are marked
 *       {@code cacheAffected=true}; so is anything on tmpfs/ramfs, which is memory.</li>
 *   <li>Caches below the filesystem: a RAID controller, a hypervisor's host cache or a
 *       device's write cache absorb writes up to their size; use a file larger than them.</li>
 *   <li>A file too small for the device to reach steady state (SSD SLC caches, thin
 *       provisioning that allocates on first write); fresh-file allocation is part of what is
 *       measured.</li>
 *   <li>Other load: steal time on virtual machines, other jobs on the same filesystem, and
 *       CPU contention delay the issuing thread; in the closed loop (no {@code rate}) such a
 *       stall shows up as one slow operation and fewer operations per interval, not as many
 *       slow ones; give a {@code rate} to see it in the latency of every delayed operation.</li>
 * </ul>
 */
public final class FsWriteProbe implements Probe {
    private final FsProbeEngine engine;

    public FsWriteProbe() {
        this(FsProbeEngine.standard());
    }

    FsWriteProbe(FsProbeEngine engine) {
        this.engine = engine;
    }

    @Override
    public ProbeType type() {
        return ProbeType.FS_WRITE;
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException {
        return engine.run(ProbeType.FS_WRITE, requirement, context);
    }
}
