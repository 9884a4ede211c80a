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
 *       contention. The loop is closed, so a stall shows up as one slow operation and fewer
 *       operations per interval, not as many slow ones.</li>
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
