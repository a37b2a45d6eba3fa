#!/usr/bin/env bash
# Install the Debian packages the portal needs beyond Python: LibreOffice (Word -> PDF), CJK
# fonts for the official faces' free substitutes, poppler (PDF checks), gettext (translations),
# chromium with its zh-CN resources (chromium-l10n: the browser's own widgets in Chinese in the
# browser tests), wrk (make bench's load generator). Skips what is already there; without root
# (and no sudo) it says what is missing and goes on, so Word documents and everything else still
# work.
set -u
packages=(libreoffice-writer-nogui python3-uno fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai
          fonts-hanazono fontconfig poppler-utils gettext chromium chromium-l10n wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; please install: ${missing[*]}" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "system-deps: not root; please install: ${missing[*]} (PDF generation stays off without LibreOffice)" >&2
    exit 0
  fi
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null || true
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  echo "system-deps: apt-get failed; continuing without: ${missing[*]}" >&2
  exit 0
}
