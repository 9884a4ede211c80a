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
 * <p><b>What spoils the measurement.</b>
 * <ul>
 *   <li>Page cache: with {@code direct: false}, or {@code direct: auto} where O_DIRECT is
 *       refused, writes land in memory and are flushed later; without fsync (not supported
 *       yet) this measures memory, not the device. Such results are marked
 *       {@code cacheAffected=true}; so is anything on tmpfs/ramfs, which is memory.</li>
 *   <li>Caches below the filesystem: a RAID controller, a hypervisor's host cache or a
 *       device's write cache absorb writes up to their size; use a file larger than them.</li>
 *   <li>A file too small for the device to reach steady state (SSD SLC caches, thin
 *       provisioning that allocates on first write); fresh-file allocation is part of what is
 *       measured.</li>
 *   <li>Other load: steal time on virtual machines, other jobs on the same filesystem, and
 *       CPU contention delay the issuing thread; the loop is closed, so such a stall shows
 *       up as one slow operation and fewer operations per interval, not as many slow ones.</li>
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
