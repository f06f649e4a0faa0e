#!/bin/sh
# bake-clean.sh: clears from a root file system what must not be in an image, so every VM
# cloned from it boots as a new machine: the machine-id (emptied, which systemd reads as "first
# boot" and fills with a new id), the SSH host keys (cloud-init makes new ones at first boot),
# the homefleet agent's identity and state and any enroll file (each VM enrolls with a token of
# its own), cloud-init's state and logs (so it runs again on the clone), the DHCP leases, the
# journal, apt's lists and downloaded packages.
#
# Usage: bake-clean.sh [--this-machine] ROOT
#   ROOT is the root to clean: a mounted or debootstrapped tree, or / from inside the image
#   being built, which must be said twice (--this-machine /), since it wipes this machine's
#   identity. Called by packer/scripts/provision.sh (Packer) and by the debootstrap bake test.
# Exit codes: 0 cleaned (also when there was nothing to clean), 2 usage error.
set -eu

this_machine=no
if [ "${1:-}" = --this-machine ]; then
  this_machine=yes
  shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: bake-clean.sh [--this-machine] ROOT  (ROOT: the image's root directory; / needs --this-machine)" >&2
  exit 2
fi
if [ ! -d "$1" ]; then
  echo "bake-clean.sh: $1: no such directory; give the root of the image to clean" >&2
  exit 2
fi
root=$(cd "$1" && pwd -P)
if [ ! -d "$root/etc" ] || [ ! -d "$root/var" ]; then
  echo "bake-clean.sh: $root has no etc/ and var/: not a root file system; give the image's root directory" >&2
  exit 2
fi
if [ "$root" = / ] && [ "$this_machine" != yes ]; then
  echo "bake-clean.sh: / is this machine: it would lose its machine-id, SSH host keys and agent identity;" \
    "run 'bake-clean.sh --this-machine /' only inside the image being built" >&2
  exit 2
fi
# Paths below are "$r/etc/...": with ROOT=/ that is "/etc/...", not "//etc/...".
r=${root%/}

say() {
  echo "bake-clean: $*"
}

# The agent first, so it writes nothing after its state is gone. Only in the image itself, and
# only where systemd runs (the deb's postinst starts the agent there; it waits for its enroll file).
if [ "$root" = / ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl stop homefleet-agent.service 2>/dev/null || true
fi

# machine-id: an empty file, not a missing one. systemd fills an empty one at boot with a new id
# (and treats the boot as the first); a missing one on a read-only /etc would leave no id at all.
if [ -e "$r/etc/machine-id" ] || [ -d "$r/etc/systemd" ]; then
  : >"$r/etc/machine-id"
  chmod 0444 "$r/etc/machine-id"
  say "emptied $r/etc/machine-id"
fi
# D-Bus's copy: Debian links it to /etc/machine-id; a file of its own would keep the old id.
if [ -f "$r/var/lib/dbus/machine-id" ] && [ ! -L "$r/var/lib/dbus/machine-id" ]; then
  rm -f "$r/var/lib/dbus/machine-id"
  say "removed $r/var/lib/dbus/machine-id"
fi

# SSH host keys: a clone with the same keys can impersonate every other clone.
for key in "$r"/etc/ssh/ssh_host_*; do
  [ -e "$key" ] || continue
  rm -f "$key"
  say "removed $key"
done

# The agent's identity, pinned CA, journal and status; the directory stays, root's alone, for
# the agent to enroll into on first boot. The enroll file is each VM's own (cloud-init writes it).
# The baseline (the image's manifest for the wipe module) is the image's, not a host's: it stays.
if [ -d "$r/var/lib/homefleet-agent" ]; then
  find "$r/var/lib/homefleet-agent" -mindepth 1 -maxdepth 1 -not -name baseline -exec rm -rf {} +
  chmod 0700 "$r/var/lib/homefleet-agent"
  say "emptied $r/var/lib/homefleet-agent (its baseline/ kept)"
fi
if [ -e "$r/etc/homefleet/enroll.yaml" ]; then
  rm -f "$r/etc/homefleet/enroll.yaml"
  say "removed $r/etc/homefleet/enroll.yaml"
fi

# cloud-init: its instance state, so it runs again on the clone's first boot. In the image itself
# its own command does it; for another root (cloud-init has no root option) the same files go
# by hand: what 'cloud-init clean --logs' removes.
if [ "$root" = / ] && command -v cloud-init >/dev/null 2>&1; then
  cloud-init clean --logs
  say "cloud-init clean --logs"
elif [ -d "$r/var/lib/cloud" ] || [ -e "$r/var/log/cloud-init.log" ]; then
  if [ -d "$r/var/lib/cloud" ]; then
    find "$r/var/lib/cloud" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  fi
  rm -f "$r/var/log/cloud-init.log" "$r/var/log/cloud-init-output.log"
  say "removed cloud-init's state in $r/var/lib/cloud and its logs"
fi

# DHCP leases: a clone asking for its template's address would be given it.
for dir in "$r/var/lib/dhcp" "$r/var/lib/NetworkManager" "$r/var/lib/systemd/network"; do
  [ -d "$dir" ] || continue
  find "$dir" -mindepth 1 -maxdepth 1 -name '*lease*' -exec rm -rf {} +
done

# The journal is kept per machine-id: the template's would be the first thing every clone shows.
if [ -d "$r/var/log/journal" ]; then
  find "$r/var/log/journal" -mindepth 1 -delete
  say "emptied $r/var/log/journal"
fi

# apt's package lists and downloaded packages: stale in a week, and most of an image's free bytes.
# 'apt-get update' on first use (or the first apt task) fetches fresh ones.
if [ -d "$r/var/lib/apt/lists" ]; then
  find "$r/var/lib/apt/lists" -mindepth 1 -not -name lock -not -path "$r/var/lib/apt/lists/partial" -delete
  say "emptied $r/var/lib/apt/lists"
fi
if [ -d "$r/var/cache/apt" ]; then
  find "$r/var/cache/apt" -type f \( -name '*.deb' -o -name '*.bin' \) -delete
  say "removed apt's downloaded packages and caches"
fi

exit 0
