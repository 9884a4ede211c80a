#!/bin/sh
# throttle-writes.sh BYTES_PER_SECOND DIR CMD [ARG...]: runs CMD with its writes to the disk that
# holds DIR capped at BYTES_PER_SECOND by the kernel (a cgroup v1 blkio throttle), then removes
# the cgroup. The spec-travels example uses it to make one of two nodes on the same machine slow.
# Only direct I/O is charged to the writer's cgroup in cgroup v1, so throttle specs with
# 'direct: true'. Needs root and /sys/fs/cgroup/blkio (on a cgroup v2 host, systemd-run -p
# IOWriteBandwidthMax does the same). Exit: CMD's, or 2 when the throttle cannot be set up.
set -eu
[ $# -ge 3 ] || { echo "usage: throttle-writes.sh BYTES_PER_SECOND DIR CMD [ARG...]" >&2; exit 2; }
rate=$1 dir=$2
shift 2
BLKIO=/sys/fs/cgroup/blkio
case $rate in
  *[!0-9]*|'') echo "throttle-writes: '$rate' is not a rate; expected bytes per second, such as 8388608" >&2; exit 2 ;;
esac
[ -f "$BLKIO/blkio.throttle.write_bps_device" ] \
  || { echo "throttle-writes: no cgroup v1 blkio throttle at $BLKIO (needs root and cgroup v1 blkio)" >&2; exit 2; }
[ -d "$dir" ] || { echo "throttle-writes: $dir is not a directory" >&2; exit 2; }

# The whole disk under DIR: the v1 throttle refuses partitions and charges a partition's I/O to its disk.
dev=$(stat -c '%Hd:%Ld' "$dir")
sys=/sys/dev/block/$dev
[ -e "$sys" ] || { echo "throttle-writes: $dir is not on a block device ($dev; tmpfs, overlay?): nothing to throttle" >&2; exit 2; }
if [ -e "$sys/partition" ]; then
  dev=$(cat "$(readlink -f "$sys")/../dev")
fi

cg="$BLKIO/iocert-throttle-$$"
mkdir "$cg"
cleanup() {
  echo $$ >"$BLKIO/cgroup.procs" 2>/dev/null || true
  rmdir "$cg" 2>/dev/null || true
}
trap cleanup EXIT
echo "$dev $rate" >"$cg/blkio.throttle.write_bps_device"
echo $$ >"$cg/cgroup.procs"
echo "throttle-writes: writes to $dev capped at $rate B/s for: $*" >&2
rc=0
"$@" || rc=$?
exit "$rc"
