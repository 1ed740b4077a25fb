#!/usr/bin/env bash
# baseimages.sh: make the base images that the Dockerfile's FROM lines name,
# locally, without a registry, in the buildah storage given by $BUILDAH_ARGS.
#
#   debian:bookworm-slim      from `debootstrap --variant=minbase bookworm`,
#                             trimmed the way Debian's slim image is (no docs,
#                             man pages, locales, apt lists) with the same apt
#                             sources (deb.debian.org: bookworm, -updates, -security)
#   golang:<ver>-bookworm     that image plus the packages the golang image
#                             installs for cgo (g++ gcc libc6-dev make
#                             pkg-config, Debian's, --no-install-recommends),
#                             this machine's Go toolchain (/usr/local/go, which
#                             must be <ver>) and its CA bundle, with the golang
#                             image's ENV and WORKDIR
#
# The debootstrapped root file system is cached as a tarball in $CACHE_DIR
# (default /var/cache/perfgate-container) and reused while younger than
# $CACHE_DAYS days (default 30); a fresh machine makes it (1-2 minutes).
# Beside it, cgo-debs/ caches the .deb files of the cgo packages, resolved by
# apt against that tarball (so they always install on it, offline, with dpkg);
# they are fetched again whenever the tarball is newer or the list changes.
#
# Usage: BUILDAH_ARGS="--root R --runroot RR --storage-driver vfs" baseimages.sh DOCKERFILE
set -euo pipefail

dockerfile=${1:?usage: baseimages.sh DOCKERFILE}
cache_dir=${CACHE_DIR:-/var/cache/perfgate-container}
cache_days=${CACHE_DAYS:-30}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
read -r -a bargs <<<"${BUILDAH_ARGS:-}"
bh() { buildah "${bargs[@]}" "$@"; }
say() { echo "baseimages: $*"; }
die() { echo "baseimages: FAIL: $*" >&2; exit 1; }

# The images the Dockerfile wants, by its FROM lines (stage names excluded).
mapfile -t froms < <(awk 'toupper($1)=="FROM" { for (i=2;i<=NF;i++) if ($i !~ /^--/) { print $i; break } }' "$dockerfile")
debian_ref="" golang_ref=""
for f in "${froms[@]}"; do
	case "$f" in
	debian:bookworm-slim) debian_ref=$f ;;
	golang:*-bookworm) golang_ref=$f ;;
	esac
done
[ -n "$debian_ref" ] || die "$dockerfile has no 'FROM debian:bookworm-slim'; this script only knows how to make that and golang:<ver>-bookworm"
[ -n "$golang_ref" ] || die "$dockerfile has no 'FROM golang:<ver>-bookworm'"
want_go=${golang_ref#golang:}
want_go=go${want_go%-bookworm}

# 1. The root file system, cached.
tarball=$cache_dir/debian-bookworm-minbase.tar
if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +"$cache_days")" ]; then
	say "reusing $tarball ($(du -h "$tarball" | cut -f1), made $(date -r "$tarball" -u +%FT%TZ))"
else
	say "debootstrap --variant=minbase bookworm from $mirror (no cached tarball in $cache_dir)"
	mkdir -p "$cache_dir"
	work=$(mktemp -d "$cache_dir/.work.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	if ! debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
		tail -20 "$work/debootstrap.log" >&2
		die "debootstrap failed (log above); is $mirror reachable?"
	fi
	r=$work/rootfs
	# What Debian's slim images do (debuerreotype-slimify, debuerreotype-minimizing-config).
	cat >"$r/etc/dpkg/dpkg.cfg.d/docker" <<-'EOF'
	path-exclude /usr/share/doc/*
	path-include /usr/share/doc/*/copyright
	path-exclude /usr/share/man/*
	path-exclude /usr/share/groff/*
	path-exclude /usr/share/info/*
	path-exclude /usr/share/lintian/*
	path-exclude /usr/share/linda/*
	path-exclude /usr/share/locale/*
	path-include /usr/share/locale/locale.alias
	EOF
	cat >"$r/etc/apt/apt.conf.d/docker-clean" <<-'EOF'
	DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
	APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
	Dir::Cache::pkgcache "";
	Dir::Cache::srcpkgcache "";
	EOF
	echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
	echo 'APT::Install-Recommends "false";' >/dev/null # the Dockerfile says --no-install-recommends itself
	rm -f "$r/etc/apt/sources.list"
	cat >"$r/etc/apt/sources.list.d/debian.sources" <<-'EOF'
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm bookworm-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb
	URIs: http://deb.debian.org/debian-security
	Suites: bookworm-security
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
	find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "$r/usr/share/man/"* "$r/usr/share/info/"* "$r/usr/share/groff/"* "$r/usr/share/lintian/"*
	find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
	rm -rf "$r/var/lib/apt/lists/"* "$r/var/cache/apt/"*.bin "$r/var/cache/apt/archives/"*.deb \
		"$r/var/log/"*.log "$r/var/log/apt/"* "$r/tmp/"* "$r/var/tmp/"*
	: >"$r/etc/resolv.conf"
	: >"$r/etc/hostname"
	tar --numeric-owner --xattrs -C "$r" -cf "$work/rootfs.tar" .
	mv -f "$work/rootfs.tar" "$tarball"
	rm -rf "$work"
	trap - EXIT
	say "cached $tarball ($(du -h "$tarball" | cut -f1))"
fi

# 2. debian:bookworm-slim, under the name the FROM line resolves to.
ctr=$(bh from --name perfgate-base-debian scratch)
bh add "$ctr" "$tarball" / >/dev/null
bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$ctr"
bh commit --rm -q "$ctr" "docker.io/library/$debian_ref" >/dev/null
say "made docker.io/library/$debian_ref"

# 3. The .deb files of the golang image's cgo packages (its Dockerfile:
# apt-get install --no-install-recommends g++ gcc libc6-dev make pkg-config),
# cached, resolved against the debian image made from the tarball.
cgo_pkgs=(g++ gcc libc6-dev make pkg-config)
debs=$cache_dir/cgo-debs
if [ -f "$debs/packages" ] && [ "$debs/packages" -nt "$tarball" ] && [ "$(cat "$debs/packages")" = "${cgo_pkgs[*]}" ]; then
	say "reusing $debs ($(find "$debs" -name '*.deb' | wc -l) packages, $(du -sh "$debs" | cut -f1), fetched $(date -r "$debs/packages" -u +%FT%TZ))"
else
	say "fetching ${cgo_pkgs[*]} and their dependencies from $mirror into $debs"
	mkdir -p "$cache_dir"
	new=$(mktemp -d "$cache_dir/.cgo-debs.XXXXXX")
	trap 'rm -rf "$new"' EXIT
	mkdir -p "$new/partial"
	ctr=$(bh from --pull=never --name perfgate-base-debs "docker.io/library/$debian_ref")
	# The image's apt sources name deb.debian.org; $mirror replaces it.
	if ! bh run --isolation chroot -v "$new:/debs" "$ctr" -- sh -c \
		'sed -i "s|http://deb.debian.org/debian$|$0|" /etc/apt/sources.list.d/debian.sources &&
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only \
			--no-install-recommends -o Dir::Cache::archives=/debs "$@"' \
		"$mirror" "${cgo_pkgs[@]}" >"$new/fetch.log" 2>&1; then
		bh rm "$ctr" >/dev/null || true
		tail -20 "$new/fetch.log" >&2
		die "fetching ${cgo_pkgs[*]} failed (log above); is $mirror reachable?"
	fi
	bh rm "$ctr" >/dev/null
	rm -rf "$new/partial" "$new/lock" "$new/fetch.log"
	[ -n "$(find "$new" -name '*.deb')" ] || die "apt fetched no .deb files for ${cgo_pkgs[*]}"
	echo "${cgo_pkgs[*]}" >"$new/packages"
	chmod 0755 "$new"
	rm -rf "$debs" && mv "$new" "$debs"
	trap - EXIT
	say "cached $debs ($(find "$debs" -name '*.deb' | wc -l) packages, $(du -sh "$debs" | cut -f1))"
fi

# 4. golang:<ver>-bookworm: the debian image plus the cgo packages and this
# machine's toolchain.
goroot=${GOROOT_HOST:-/usr/local/go}
have_go=$(cat "$goroot/VERSION" 2>/dev/null | head -1 || true)
[ "$have_go" = "$want_go" ] || die "the Dockerfile pins $golang_ref but $goroot is '${have_go:-missing}': install $want_go at $goroot (or change the pin)"
ctr=$(bh from --pull=never --name perfgate-base-golang "docker.io/library/$debian_ref")
if ! out=$(bh run --isolation chroot -v "$debs:/debs:ro" "$ctr" -- sh -c \
	'dpkg --force-unsafe-io -i /debs/*.deb && cc --version | head -n 1' 2>&1); then
	tail -20 <<<"$out" >&2
	die "installing ${cgo_pkgs[*]} from $debs failed (output above); remove $debs to fetch them again"
fi
say "installed ${cgo_pkgs[*]} ($(tail -n 1 <<<"$out"))"
mnt=$(bh mount "$ctr")
mkdir -p "$mnt/usr/local/go" "$mnt/go/bin" "$mnt/go/src"
tar -C "$goroot" --exclude=./test --exclude=./doc -cf - . | tar -C "$mnt/usr/local/go" -xf -
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$mnt/etc/ssl/certs/ca-certificates.crt"
bh umount "$ctr" >/dev/null
bh config \
	--env GOLANG_VERSION="${want_go#go}" --env GOTOOLCHAIN=local --env GOPATH=/go \
	--env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	--workingdir /go --cmd bash "$ctr"
bh commit --rm -q "$ctr" "docker.io/library/$golang_ref" >/dev/null
say "made docker.io/library/$golang_ref ($have_go from $goroot, ${cgo_pkgs[*]})"
