#!/bin/sh
# provision.sh: what every homefleet role template runs, in the VM Packer builds (or in a chroot of
# a debootstrapped root, for the bake test): installs the agent's .deb with its dependencies,
# the role's desktop where it has one, makes sure the agent starts at boot, then clears what must
# not be in an image (bake-clean.sh). The agent then waits on each clone for the enroll file
# cloud-init writes (docs/configuration.md, "First boot").
#
# Usage: provision.sh ROLE DEB
#   ROLE  prod, dev, services, batch (headless), workstation (Debian with Xfce), sandbox (Ubuntu
#         with its desktop)
#   DEB   the agent package, homefleet-agent_VERSION_all.deb ('mvn -B package' builds it)
# Runs as root. Exit codes: 0 provisioned, 2 usage error, other: the failing command's.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: provision.sh ROLE DEB  (ROLE: prod|dev|services|batch|workstation|sandbox)" >&2
  exit 2
fi
role=$1
deb=$2
here=$(cd "$(dirname "$0")" && pwd -P)

case "$role" in
  prod | dev | services | batch | workstation | sandbox) ;;
  *)
    echo "provision.sh: unknown role '$role' (one of prod, dev, services, batch, workstation, sandbox)" >&2
    exit 2
    ;;
esac
if [ ! -f "$deb" ]; then
  echo "provision.sh: $deb: no such file; build it with 'mvn -B package' and pass its path" >&2
  exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "provision.sh: must run as root (Packer: execute_command with sudo)" >&2
  exit 2
fi

os=$(. /etc/os-release && echo "$ID")
if [ "$role" = sandbox ] && [ "$os" != ubuntu ]; then
  echo "provision.sh: the sandbox role is built on Ubuntu, this is '$os'; clone it from homefleet-ubuntu2404-base" >&2
  exit 2
fi
if [ "$role" != sandbox ] && [ "$os" != debian ]; then
  echo "provision.sh: the $role role is built on Debian 12, this is '$os'; clone it from homefleet-debian12-base" >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# A path, so apt installs the file and fetches its Depends (the Java 17 runtime) from the archive.
case "$deb" in
  /*) path=$deb ;;
  *) path=./$deb ;;
esac
apt-get install -y -q --no-install-recommends "$path"
# In the base already; listed again so a role built from another base still has them.
apt-get install -y -q --no-install-recommends qemu-guest-agent cloud-init

case "$role" in
  workstation) apt-get install -y -q task-xfce-desktop ;;
  sandbox) apt-get install -y -q ubuntu-desktop-minimal ;;
esac

# The package enables the unit on a first install; this holds for a root where that was skipped.
systemctl enable homefleet-agent.service

"$here/bake-clean.sh" --this-machine /
# The clean image's manifest, last, so it is the image as every clone first boots it: the wipe
# module (docs/modules.md, "wipe") returns a host to it. bake-clean keeps it on later runs.
homefleet-agent baseline record
echo "provision: $role image ready"
