#!/bin/bash
# spec-travels.sh: the whole path of docs/spec-travels.md on a Slurm cluster set up as
# docs/slurm.md describes (job_submit.lua, iocert-prolog.sh, iocert.conf):
#
#   1. measure the reference node (this host) and derive the job's spec from it;
#   2. put the spec into the job's OCI image, and register it on the cluster from the image;
#   3. certify two nodes against the spec carried by the image, one of them slowed down by a write
#      throttle so that it fails, sign the certificates and export the nodes' features;
#   4. submit a job that names the spec: it runs only on the certified node;
#   5. revoke that node's certificate: the next job is not started there, the node is drained
#      and the job requeued and held, with the reason.
#
# Run it as root (the certificates go into the nodes' certificate directories, features are set
# with scontrol, the throttle needs a cgroup) on a host that can reach slurmctld. Settings, all
# optional except the node names:
#
#   GOOD_NODE, SLOW_NODE  the two Slurm node names (required)
#   IOCERT                the iocert command (default: iocert)
#   IOCERT_SLURM_CONF     the iocert.conf of the cluster (default: beside $SLURM_CONF)
#   WORK                  where everything of this run goes (default: ./spec-travels-<time>)
#   SPEC_NAME             the name of the derived spec (default: travels-demo)
#   SLACK                 how much worse than the reference a node may be (default: 90%: the
#                         example is about the path, and a shared disk varies; the throttled
#                         node is at least ten times slower)
#   STATISTICS            the statistics the spec sets bounds on (default: p50)
#   SLOW_RATE             the slow node's write cap in bytes per second (default: 8388608,
#                         8 MiB/s: about three 256-KiB writes in every 100-ms interval)
#   BUDGET                probing budget per requirement when certifying (default: 8s; a run
#                         stops as soon as the verdicts are conclusive, so this is only spent
#                         on a busy disk)
#   JOB_WAIT              seconds to wait for a job state (default: 60)
#
# Exit 0 when every step did what it should, 1 when a step's outcome was not the expected one,
# 2 for bad settings.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "$0")" && pwd -P)
SLURM_DIR=$(cd -- "$HERE/../../ci/slurm" && pwd -P)

say() { printf '\n== %s\n' "$*"; }
die() { local code=$1; shift; echo "spec-travels: $*" >&2; exit "$code"; }
unexpected() { echo "spec-travels: UNEXPECTED: $*" >&2; exit 1; }

[[ -n "${GOOD_NODE:-}" && -n "${SLOW_NODE:-}" ]] || die 2 "set GOOD_NODE and SLOW_NODE to two Slurm node names"
read -r -a iocert <<<"${IOCERT:-iocert}"
CONF=${IOCERT_SLURM_CONF:-$(dirname -- "${SLURM_CONF:-/etc/slurm/slurm.conf}")/iocert.conf}
[[ -r "$CONF" ]] || die 2 "cannot read the iocert settings $CONF (set IOCERT_SLURM_CONF)"
conf_get() {
  sed -n "s/^[[:space:]]*$1=//p" "$CONF" | tail -n 1 | sed -e 's/[[:space:]]*$//' -e "s/^\"\\(.*\\)\"\$/\\1/" \
    -e "s/^'\\(.*\\)'\$/\\1/"
}
SPEC_DIR=$(conf_get IOCERT_SPEC_DIR)
CERT_DIR=$(conf_get IOCERT_CERT_DIR)
PUB=$(conf_get IOCERT_KEY)
REVOKED=$(conf_get IOCERT_REVOKED)
for v in SPEC_DIR CERT_DIR PUB REVOKED; do
  [[ -n "${!v}" ]] || die 2 "$CONF must set IOCERT_SPEC_DIR, IOCERT_CERT_DIR, IOCERT_KEY and IOCERT_REVOKED for this example"
done
KEY=${PUB%.pub}.key
[[ -r "$KEY" ]] || die 2 "the signing key $KEY (beside IOCERT_KEY=$PUB) is not readable; make the pair with 'iocert keygen'"
command -v umoci >/dev/null || die 2 "umoci is not installed (Debian: apt-get install umoci)"
for node in "$GOOD_NODE" "$SLOW_NODE"; do
  scontrol show node -o "$node" >/dev/null 2>&1 || die 2 "no Slurm node '$node' (scontrol show node $node failed)"
done
NAME=${SPEC_NAME:-travels-demo}
SLACK=${SLACK:-90%}
STATISTICS=${STATISTICS:-p50}
SLOW_RATE=${SLOW_RATE:-8388608}
BUDGET=${BUDGET:-8s}
JOB_WAIT=${JOB_WAIT:-60}
WORK=${WORK:-$PWD/spec-travels-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p -- "$WORK"
WORK=$(cd -- "$WORK" && pwd -P)
IMAGE="oci:$WORK/image:latest"

# job_state ID: JobState and Reason of a job, as "STATE REASON".
job_state() {
  scontrol show job -o "$1" | tr ' ' '\n' | sed -n -e 's/^JobState=//p' -e 's/^Reason=//p' | paste -s -d' ' -
}
# wait_job ID STATE...: waits until the job is in one of the states; prints the state.
wait_job() {
  local id=$1 deadline=$((SECONDS + JOB_WAIT)) state
  shift
  while ((SECONDS < deadline)); do
    state=$(job_state "$id")
    for want in "$@"; do
      [[ "${state%% *}" == "$want" ]] && { echo "$state"; return 0; }
    done
    sleep 0.5
  done
  echo "$state"
  return 1
}

say "1. the reference node ($(hostname -s)): measure, then derive the job's spec"
mkdir -p "$WORK/reference/fs"
"${iocert[@]}" probe --spec "$HERE/reference.yaml" --fs-path "$WORK/reference/fs" --out "$WORK/reference/result.json"
"${iocert[@]}" spec derive --from "$WORK/reference/result.json" --slack "$SLACK" --statistics "$STATISTICS" --name "$NAME" \
  --out "$WORK/derived.yaml"
# A derived spec is reviewed before it is used. This one keeps the per-interval bounds (throughput,
# IOPS) and drops the per-write latency bound: on a disk other work shares, a few seconds of
# direct writes give a median latency whose interval can span stalls, and such a bound would leave
# even a good node INCONCLUSIVE. The throttled node fails on throughput alone.
awk '/^      latency:$/ { skip = 1; next } skip && /^        / { next } { skip = 0; print }' \
  "$WORK/derived.yaml" >"$WORK/job.yaml"
"${iocert[@]}" spec validate "$WORK/job.yaml"
cat "$WORK/job.yaml"

say "2. the spec goes into the job's image; the cluster registers it from the image"
umoci init --layout "$WORK/image"
umoci new --image "$WORK/image:latest"
"${iocert[@]}" spec embed --spec "$WORK/job.yaml" --image "$IMAGE"
rm -f -- "$SPEC_DIR/$NAME.json"
"${iocert[@]}" spec extract --image "$IMAGE" --out "$SPEC_DIR/$NAME.json"
echo "registered $SPEC_DIR/$NAME.json (sha256 $(sha256sum <"$SPEC_DIR/$NAME.json" | cut -c1-12))"

# node_certs NODE: IOCERT_CERT_DIR for NODE (%n is the node name).
node_certs() {
  printf '%s\n' "$CERT_DIR" | sed "s/%n/$1/g"
}

# certify NODE [WRAPPER...]: iocert run on NODE (as a Slurm job step) against the image's spec,
# signed; the certificate goes where the node's prolog looks, and the node's features are applied.
certify() {
  local node=$1 rc=0
  shift
  local out="$WORK/certify/$node" certs
  certs=$(node_certs "$node")
  mkdir -p "$out/fs" "$certs"
  srun --nodelist="$node" --nodes=1 --ntasks=1 --job-name="iocert-certify-$node" \
    "$@" "${iocert[@]}" run --spec "$IMAGE" --fs-path "$out/fs" --budget "$BUDGET" --sign "$KEY" --out "$out/run" \
    --format text || rc=$?
  [[ -f "$out/run/certificate.json" ]] || unexpected "certifying $node (exit $rc) wrote no certificate"
  install -m 0644 "$out/run/certificate.json" "$certs/$NAME.certificate.json"
  "${iocert[@]}" export --to slurm "$certs/$NAME.certificate.json" --key "$PUB" --node-name "$node" \
    --out "$out/features.sh"
  sh "$out/features.sh"
  return "$rc"
}

say "3a. certify $GOOD_NODE"
certify "$GOOD_NODE" || unexpected "$GOOD_NODE should be ELIGIBLE (see $WORK/certify/$GOOD_NODE/run/report.txt)"
say "3b. certify $SLOW_NODE, its writes capped at $SLOW_RATE B/s"
rc=0
certify "$SLOW_NODE" "$HERE/throttle-writes.sh" "$SLOW_RATE" "$WORK/certify/$SLOW_NODE/fs" || rc=$?
((rc == 1)) || unexpected "$SLOW_NODE should be NOT_ELIGIBLE (exit 1), got exit $rc"
sh "$SLURM_DIR/iocert-index.sh"
echo "placement index: $(grep "^spec $NAME " "$(conf_get IOCERT_INDEX)")"

say "4. a job that names the spec"
cat >"$WORK/job.sh" <<'EOF'
#!/bin/sh
#IOCERT spec=@NAME@
echo "job $SLURM_JOB_ID ran on $SLURMD_NODENAME"
EOF
sed -i "s/@NAME@/$NAME/" "$WORK/job.sh"
job1=$(sbatch --parsable --output="$WORK/job-%j.out" "$WORK/job.sh")
state=$(wait_job "$job1" COMPLETED FAILED CANCELLED) || unexpected "job $job1 did not end in ${JOB_WAIT}s ($state)"
ran_on=$(scontrol show job -o "$job1" | tr ' ' '\n' | sed -n 's/^NodeList=//p')
echo "job $job1: $state on $ran_on, constraint $(scontrol show job -o "$job1" | tr ' ' '\n' | sed -n 's/^Features=//p')"
cat "$WORK/job-$job1.out"
[[ "${state%% *}" == COMPLETED && "$ran_on" == "$GOOD_NODE" ]] \
  || unexpected "job $job1 should have completed on $GOOD_NODE"

say "5. revoke $GOOD_NODE's certificate; the next job"
cert="$(node_certs "$GOOD_NODE")/$NAME.certificate.json"
sha256sum "$cert" | cut -d' ' -f1 >>"$REVOKED"
job2=$(sbatch --parsable --output="$WORK/job-%j.out" "$WORK/job.sh")
# It is scheduled on the node, the prolog refuses it there, slurmctld requeues it: wait for that
# (or for the job to end, which would be wrong).
deadline=$((SECONDS + JOB_WAIT))
state=$(job_state "$job2")
# (On its way back to the queue the job is briefly COMPLETING.)
while [[ "$state" != PENDING*requeued* && ! "$state" =~ ^(COMPLETED|FAILED|CANCELLED) ]] && ((SECONDS < deadline)); do
  sleep 0.5
  state=$(job_state "$job2")
done
echo "job $job2: $state"
scontrol show job "$job2" | grep -o -E '(Restarts=[0-9]+|AdminComment=.*)' || true
sinfo -R -N -n "$GOOD_NODE" -o '%N %T %E'
[[ "$state" == PENDING*requeued* ]] || unexpected "job $job2 should have been requeued after the prolog refused $GOOD_NODE ($state)"

say "done: everything in $WORK"
echo "To put $GOOD_NODE back: recertify it, then 'scontrol update NodeName=$GOOD_NODE State=RESUME'"
