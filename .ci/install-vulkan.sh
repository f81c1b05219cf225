#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (lavapipe) so Dawn finds a WebGPU adapter without a GPU.
# Debian bookworm's Mesa 22 is too old for Dawn; bookworm-backports' Mesa 25 works. The backports suite
# is added on the mirror apt already uses.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-vulkan: needs root (apt-get)" >&2; exit 1; fi
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^25'; then
  echo "install-vulkan: lavapipe (Mesa 25) already installed"
  exit 0
fi
mirror=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -1)
if [ -z "$mirror" ]; then mirror=http://deb.debian.org/debian; fi
cat > /etc/apt/sources.list.d/bookworm-backports.sources <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
echo "install-vulkan: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
