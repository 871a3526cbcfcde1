#!/bin/sh
# fetch.sh BUILDDIR — fetch the pinned BearSSL and jsmn sources from Debian's
# source packages, check their SHA-256 against third_party/pins, and unpack
# them into BUILDDIR/bearssl and BUILDDIR/jsmn.
#
# apt runs with a private configuration (its own sources list and lists
# directory under BUILDDIR), so the system's apt sources are not touched.
# Only the upstream tarball is downloaded, through apt-helper, which checks
# the hash as it downloads; the hash is checked once more before unpacking.
#
# Other systems: set BEARSSL_SRC and JSMN_SRC (see the Makefile) to local
# copies of the same versions and this script is not run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-bookworm}

die() { echo "fetch.sh: $*" >&2; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found: set BEARSSL_SRC and JSMN_SRC to local source trees"
helper=/usr/lib/apt/apt-helper
[ -x "$helper" ] || die "$helper not found"

apt_dir=$out/apt
mkdir -p "$apt_dir/lists/partial" "$out/dl"
echo "deb-src $mirror $suite main" > "$apt_dir/sources.list"
apt_opts="-o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$apt_dir/lists -o APT::Sandbox::User=root"

if [ ! -s "$apt_dir/updated" ]; then
	# shellcheck disable=SC2086
	apt-get -q $apt_opts update >&2 || die "apt-get update of the private source list failed"
	date -u > "$apt_dir/updated"
fi

grep -v '^#' "$here/pins" | while IFS='	' read -r pkg ver file sum; do
	[ -n "$pkg" ] || continue
	dest=$out/dl/$file
	if [ ! -f "$dest" ] || ! echo "$sum  $dest" | sha256sum -c --quiet - 2>/dev/null; then
		# shellcheck disable=SC2086
		uri=$(apt-get -q --print-uris $apt_opts source "$pkg" 2>/dev/null |
		    awk -v f="$file" '$2 == f { gsub("\x27", "", $1); print $1 }')
		[ -n "$uri" ] || die "$pkg $ver: $file not in $suite's source index (the pinned upstream version is gone: set BEARSSL_SRC/JSMN_SRC)"
		rm -f "$dest"
		"$helper" -o APT::Sandbox::User=root download-file "$uri" "$dest" "SHA256:$sum" >&2 ||
		    die "$pkg: download of $uri failed"
	fi
	echo "$sum  $dest" | sha256sum -c --quiet - || die "$file: SHA-256 mismatch"
	rm -rf "$out/$pkg"
	mkdir -p "$out/$pkg"
	tar -xf "$dest" -C "$out/$pkg" --strip-components=1
	echo "fetch.sh: $pkg $ver ok ($sum)" >&2
done
