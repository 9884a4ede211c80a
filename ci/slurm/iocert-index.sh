#!/bin/sh
# iocert-index.sh: writes the placement index that ci/slurm/job_submit.lua reads.
#
# For every spec registered in IOCERT_SPEC_DIR (NAME.json, NAME.yaml or NAME.yml) one line
#
#   spec NAME iocert_NAME NODE,NODE,...      (or '-' when no node holds the feature)
#
# listing the nodes whose active features include the spec's feature, as the controller holds
# them now ('scontrol show node'): the features 'iocert export --to slurm' set. Run it after
# applying exported features and from cron beside the periodic export; any user may run it
# (it only reads node information), as long as it may write IOCERT_INDEX. The file is replaced
# atomically, so the plugin never reads half of it.
#
# Settings: iocert.conf beside slurm.conf ($SLURM_CONF, else /etc/slurm/slurm.conf), or the
# file named by IOCERT_SLURM_CONF. Exit 0 written, 2 bad settings, 4 scontrol failed.
set -eu

die() {
  code=$1
  shift
  echo "iocert-index: $*" >&2
  exit "$code"
}

# conf_get KEY: the value of KEY in the settings file (KEY=VALUE lines, '#' comments, optional quotes).
conf_get() {
  sed -n "s/^[[:space:]]*$1=//p" "$CONF" | tail -n 1 | sed -e 's/[[:space:]]*$//' -e "s/^\"\\(.*\\)\"\$/\\1/" \
    -e "s/^'\\(.*\\)'\$/\\1/"
}

CONF=${IOCERT_SLURM_CONF:-$(dirname -- "${SLURM_CONF:-/etc/slurm/slurm.conf}")/iocert.conf}
[ -r "$CONF" ] || die 2 "cannot read the iocert settings $CONF (set IOCERT_SLURM_CONF, or put iocert.conf beside slurm.conf)"
SPEC_DIR=$(conf_get IOCERT_SPEC_DIR)
INDEX=$(conf_get IOCERT_INDEX)
[ -n "$SPEC_DIR" ] || die 2 "$CONF: IOCERT_SPEC_DIR is not set; expected the directory of registered specs"
[ -n "$INDEX" ] || die 2 "$CONF: IOCERT_INDEX is not set; expected the path of the placement index"
[ -d "$SPEC_DIR" ] || die 2 "$CONF: IOCERT_SPEC_DIR=$SPEC_DIR is not a directory"

nodes=$(scontrol show node -o) || die 4 "'scontrol show node -o' failed; is slurmctld reachable?"

tmp="$INDEX.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
  echo "# written by iocert-index.sh from $SPEC_DIR and 'scontrol show node'; read by job_submit.lua"
  echo "format iocert-slurm-index/1"
  echo "written $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  seen=" "
  for file in "$SPEC_DIR"/*.json "$SPEC_DIR"/*.yaml "$SPEC_DIR"/*.yml; do
    [ -f "$file" ] || continue
    base=$(basename -- "$file")
    name=${base%.*}
    case $name in
      [A-Za-z0-9]*) ;;
      *) echo "iocert-index: skipping $file: '$name' is not a spec name" >&2; continue ;;
    esac
    if printf '%s' "$name" | grep -q '[^A-Za-z0-9._-]'; then
      echo "iocert-index: skipping $file: '$name' is not a spec name (letters, digits, '.', '_', '-')" >&2
      continue
    fi
    case $seen in
      *" $name "*) echo "iocert-index: $file: spec '$name' is registered twice; using the first" >&2; continue ;;
    esac
    seen="$seen$name "
    feature="iocert_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' '_')"
    holders=$(printf '%s\n' "$nodes" | awk -v f="$feature" '
      {
        name = ""; active = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^NodeName=/) name = substr($i, 10)
          if ($i ~ /^ActiveFeatures=/) active = substr($i, 16)
        }
        n = split(active, fs, ",")
        for (j = 1; j <= n; j++) if (fs[j] == f) { print name; break }
      }' | paste -s -d, -)
    echo "spec $name $feature ${holders:--}"
  done
} >"$tmp"
mv -f -- "$tmp" "$INDEX"
trap - EXIT
