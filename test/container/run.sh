#!/usr/bin/env bash
# make container-test: build the action's Dockerfile with buildah and run the
# action in the image the way GitHub's runner does (see test/container/doc.go).
#
# Needs root (CI runs it as root). Installs buildah and debootstrap from
# Debian's packages when missing. Everything it makes lives in one scratch
# directory (buildah storage included) that is removed at the end; only the
# debootstrapped root file system and the .deb files of the golang image's cgo
# packages stay cached in /var/cache/perfgate-container.
#
# Environment:
#   PERFGATE_CT_KEEP=1        keep the scratch directory and images (development);
#                             with PERFGATE_CT_STATE=DIR, reuse DIR's base images
#   PERFGATE_CT_CONTEXT=head  build from `git archive HEAD` instead of the work tree
#                             (for a shared work tree with others' unfinished files)
#   PERFGATE_CT_IMAGE=NAME    run an image built before instead of building (development)
#   PERFGATE_CT_BUDGET=10m    the whole test's time budget; every step ends by then
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
say() { echo "container-test: $*"; }
die() { echo "container-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (buildah with chroot isolation, debootstrap, a workspace owned by uid 1001)"

missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]} from Debian's packages"
	start=$(date +%s)
	timeout 300 apt-get update -q || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
	say "installed ${missing[*]} in $(($(date +%s) - start)) s"
fi

state=${PERFGATE_CT_STATE:-}
if [ -z "$state" ]; then
	state=$(mktemp -d /var/tmp/perfgate-container-test.XXXXXX)
fi
mkdir -p "$state"
bargs="--root $state/storage --runroot $state/run --storage-driver vfs"
# kill_leftovers kills any process still running in one of this run's
# containers: one whose root directory (device and inode of /proc/PID/root)
# is a container root under our own storage. The test does this after each
# run; this catches what a killed test could not.
kill_leftovers() {
	local roots pids sig p id
	roots=$(stat -c '%d:%i' "$state"/storage/vfs/dir/* 2>/dev/null | sort -u) || true
	[ -n "$roots" ] || return 0
	for sig in TERM TERM KILL; do
		pids=()
		for p in /proc/[0-9]*; do
			id=$(stat -L -c '%d:%i' "$p/root" 2>/dev/null) || continue
			if grep -qxF "$id" <<<"$roots"; then pids+=("${p#/proc/}"); fi
		done
		[ ${#pids[@]} -gt 0 ] || return 0
		say "killing processes left in our containers (SIG$sig): ${pids[*]}"
		kill -s "$sig" "${pids[@]}" 2>/dev/null || true
		sleep 2
	done
}
cleanup() {
	rc=$?
	kill_leftovers
	if [ "${PERFGATE_CT_KEEP:-}" = 1 ]; then
		say "kept $state (PERFGATE_CT_KEEP=1)"
	else
		# Only what this run made: its own storage, containers and images.
		# shellcheck disable=SC2086
		timeout 120 buildah $bargs rm --all >/dev/null 2>&1 || true
		# shellcheck disable=SC2086
		timeout 120 buildah $bargs rmi --all --force >/dev/null 2>&1 || true
		rm -rf "$state"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

context=$root
if [ "${PERFGATE_CT_CONTEXT:-}" = head ]; then
	context=$state/context
	rm -rf "$context" && mkdir -p "$context"
	git -C "$root" archive HEAD | tar -x -C "$context"
	say "building from git archive HEAD ($(git -C "$root" rev-parse --short HEAD))"
elif [ -n "${PERFGATE_CT_CONTEXT:-}" ]; then
	context=$PERFGATE_CT_CONTEXT
fi

export PERFGATE_CT_STATE=$state PERFGATE_CT_BUILDAH_ARGS=$bargs PERFGATE_CT_CONTEXT=$context
say "buildah $(buildah --version | awk '{print $3}'), scratch $state"
start=$(date +%s)
# The test bounds each step itself (within PERFGATE_CT_BUDGET, default 10m);
# these outer limits only catch a hang of the test itself.
budget=${PERFGATE_CT_BUDGET:-10m}
gotimeout=$(( $(echo "$budget" | sed -E 's/^([0-9]+)m$/\1/;t;s/.*/10/') + 3 ))m
timeout --kill-after=30s "$(( ${gotimeout%m} * 60 + 30 ))s" \
	go test -tags containertest -count=1 -v -timeout "$gotimeout" ./test/container/
say "done in $(($(date +%s) - start)) s"
