#!/bin/sh
# iocert-prolog.sh: a slurmd Prolog that checks, before a job starts on this node, the node's
# certificate for every iocert spec the job's constraint asks for (the features job_submit.lua
# adds, iocert_<spec>): the signature and key, the expiry, that it was issued for the spec
# registered now (its sha256), for this host, with the verdict ELIGIBLE, and that it is not
# revoked. 'iocert verify' does the cryptography.
#
# On a failure it drains this node with the reason and exits 1: slurmd then does not start the job
# and slurmctld requeues it (held, unless SchedulerParameters has nohold_on_prolog_fail), so it
# never runs on a node whose certificate does not hold. The reason, prefixed 'iocert:', is shown by
# 'sinfo -R' and in the job's AdminComment. Jobs without an iocert feature return at once, without
# starting Java.
#
# slurm.conf: Prolog=/etc/slurm/iocert-prolog.sh and PrologFlags=Alloc (so every node of the job
# checks itself when the job is allocated, not only the batch node when the script starts).
# Settings: iocert.conf beside slurm.conf (or the file named by IOCERT_SLURM_CONF); see docs/slurm.md.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# Spec features of the constraint: iocert_<spec>; a requirement feature iocert_<spec>__<req>
# asks for the spec's certificate too.
features=$(printf '%s\n' "${SLURM_JOB_CONSTRAINTS:-}" | grep -o 'iocert_[A-Za-z0-9_]*' | sed 's/__.*//' | sort -u)
[ -n "$features" ] || exit 0

node=${SLURMD_NODENAME:-$(hostname -s)}
job=${SLURM_JOB_ID:-?}

# fail REASON: drain this node with REASON, note it on the job, and stop the job from starting.
fail() {
  reason="iocert: $1"
  echo "iocert-prolog: job $job on $node: $reason" >&2
  logger -t iocert-prolog "job $job on $node: $reason" 2>/dev/null || true
  scontrol update NodeName="$node" State=DRAIN Reason="$reason" || echo "iocert-prolog: could not drain $node" >&2
  scontrol update JobId="$job" AdminComment="$reason (node $node drained)" 2>/dev/null || true
  exit 1
}

CONF=${IOCERT_SLURM_CONF:-$(dirname -- "${SLURM_CONF:-/etc/slurm/slurm.conf}")/iocert.conf}
[ -r "$CONF" ] || fail "prolog settings: cannot read $CONF"
conf_get() {
  sed -n "s/^[[:space:]]*$1=//p" "$CONF" | tail -n 1 | sed -e 's/[[:space:]]*$//' -e "s/^\"\\(.*\\)\"\$/\\1/" \
    -e "s/^'\\(.*\\)'\$/\\1/"
}
IOCERT=$(conf_get IOCERT)
KEY=$(conf_get IOCERT_KEY)
SPEC_DIR=$(conf_get IOCERT_SPEC_DIR)
CERT_DIR=$(conf_get IOCERT_CERT_DIR | sed "s/%n/$node/g")
REVOKED=$(conf_get IOCERT_REVOKED)
[ -n "$IOCERT" ] || fail "prolog settings: $CONF does not set IOCERT (the iocert command)"
[ -n "$KEY" ] || fail "prolog settings: $CONF does not set IOCERT_KEY (the signer's public key)"
[ -n "$SPEC_DIR" ] || fail "prolog settings: $CONF does not set IOCERT_SPEC_DIR (the registered specs)"
[ -n "$CERT_DIR" ] || fail "prolog settings: $CONF does not set IOCERT_CERT_DIR (where this node's certificates are)"

host=$(hostname -s 2>/dev/null || hostname)
for feature in $features; do
  # The registered spec whose feature this is.
  spec=""
  for file in "$SPEC_DIR"/*.json "$SPEC_DIR"/*.yaml "$SPEC_DIR"/*.yml; do
    [ -f "$file" ] || continue
    base=$(basename -- "$file")
    name=${base%.*}
    if [ "iocert_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' '_')" = "$feature" ]; then
      spec=$file
      break
    fi
  done
  [ -n "$spec" ] || fail "the job asks for $feature, but no spec registered in $SPEC_DIR has that feature"
  cert="$CERT_DIR/$name.certificate.json"
  [ -f "$cert" ] || fail "spec '$name': no certificate for this node at $cert"
  if [ -n "$REVOKED" ] && [ -f "$REVOKED" ]; then
    digest=$(sha256sum "$cert" | cut -d' ' -f1)
    if grep -q "^$digest\\b" "$REVOKED"; then
      fail "spec '$name': certificate $cert (sha256 $(printf '%s' "$digest" | cut -c1-12)) is revoked (listed in $REVOKED)"
    fi
  fi
  # shellcheck disable=SC2086 # IOCERT is a command line, split on purpose
  out=$($IOCERT verify "$cert" --key "$KEY" --spec "$spec" 2>&1)
  rc=$?
  line=$(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | tail -n 1 | sed 's/^iocert: //')
  case $rc in
    0) ;;
    1) fail "spec '$name': $line" ;;
    *) fail "spec '$name': iocert verify could not check $cert (exit $rc): $line" ;;
  esac
  # VALID: node HOST is VERDICT for spec ...
  certified_host=$(printf '%s\n' "$out" | sed -n 's/.*: VALID: node \([^ ]*\) is \([A-Z_]*\) for spec.*/\1/p' | head -n 1)
  verdict=$(printf '%s\n' "$out" | sed -n 's/.*: VALID: node \([^ ]*\) is \([A-Z_]*\) for spec.*/\2/p' | head -n 1)
  [ "${certified_host%%.*}" = "${host%%.*}" ] \
    || fail "spec '$name': certificate $cert was issued for host '$certified_host', this is '$host'"
  [ "$verdict" = ELIGIBLE ] || fail "spec '$name': certificate $cert says $verdict, not ELIGIBLE"
done
exit 0
