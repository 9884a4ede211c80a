# Sourced by the bench scripts: `settle_on DIR` names the block device under DIR, then `settle`
# syncs and waits (at most 60 s) until that device has nothing in flight and its discard counter
# stands still (fields 9 and 12 of /sys/class/block/DEV/stat). On a filesystem mounted with
# `discard`, deleting the previous step's files sends discards to the device, and on a virtual disk
# with a host write-back cache `sync` also waits for the host; a step that ran into either would
# look slower than it is. Where the device's counters cannot be read, `settle` only syncs.
settle_on() {
  local dev
  dev="$(basename "$(df --output=source "$1" | tail -1)")"
  settle_stat="/sys/class/block/$dev/stat"
  [ -r "$settle_stat" ] || settle_stat=""
}

settle() {
  sync
  [ -n "$settle_stat" ] || return 0
  local prev="" cur i
  for i in $(seq 1 60); do
    cur="$(awk '{print $9, $12}' "$settle_stat")"
    [ "$cur" = "$prev" ] && [ "${cur%% *}" = 0 ] && return 0
    prev="$cur"; sleep 1
  done
}
