#!/usr/bin/env bash
# Installs the Debian packages Indicium's tests need, when they are missing.
# Chromium (e2e), CUPS + cups-pdf (printing), PostgreSQL (multi-node store), dmtx-utils and
# poppler-utils (independent Data Matrix / PDF decoding), openssl (independent certificate checks).
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail

missing=()
need() { # need <package> <path-or-command>...
  local pkg=$1; shift
  for probe in "$@"; do
    if [[ $probe == /* ]]; then
      compgen -G "$probe" >/dev/null || { missing+=("$pkg"); return; }
    else
      command -v "$probe" >/dev/null 2>&1 || { missing+=("$pkg"); return; }
    fi
  done
}

need chromium /usr/bin/chromium
need cups /usr/sbin/cupsd /usr/sbin/lpadmin lp
need printer-driver-cups-pdf /usr/lib/cups/backend/cups-pdf
need postgresql '/usr/lib/postgresql/*/bin/postgres' '/usr/lib/postgresql/*/bin/initdb'
need dmtx-utils dmtxread
need poppler-utils pdftoppm pdfinfo pdftotext
need openssl openssl

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present"
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Indicium's tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run the tests again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi

echo "system packages: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "system packages: installed"
