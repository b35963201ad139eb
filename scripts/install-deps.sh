#!/usr/bin/env bash
# Installs what building, running and testing pinhole needs on Debian/Ubuntu
# (idempotent; apt only when something is missing). The Swift 6 toolchain
# itself is expected on PATH (swift.org's Linux release).
#   libldns-dev       DNS message validation (DNSWire)
#   libsystemd-dev    systemd unit/slice of a process (Attribution, via CSystemd)
#   libpsl-dev        registrable domains (eTLD+1) for profile `vendor` domains (PinholeDaemon, via CPsl)
#   publicsuffix      Debian's current Public Suffix List, which libpsl prefers to its built-in copy
#   util-linux        unshare/nsenter: the e2e tests' private namespaces
#   libnftables-dev   libnftables: the enforcement table `inet pinhole` (Enforcement, via CNftables)
#   libnftnl-dev      libnftnl + libmnl: pins as raw netlink set-element batches (Enforcement, via CNftnl)
#   libmnl-dev        (libnftnl's netlink socket layer)
#   libsqlite3-dev    SQLite for GRDB: the query-log database (QueryLog)
#   nftables          nft: the e2e tests' DNS redirect (inside a namespace only); libnftables' runtime
#   knot              knotd: a real authoritative upstream in the integration tests
#   knot-dnsutils     kdig: a real client in the tests
#   bind9-dnsutils    dig: a real client in the tests and the README
#   iproute2          ss, for the tests and the benchmark
#   systemd           systemd-analyze: the tests verify deploy/pinholed.service and expand its SystemCallFilter groups
#   strace            the test that checks every system call pinholed makes is allowed by the unit's SystemCallFilter
set -euo pipefail

pkgs=(libldns-dev libsystemd-dev libpsl-dev libnftables-dev libnftnl-dev libmnl-dev libsqlite3-dev publicsuffix util-linux nftables pkg-config knot knot-dnsutils bind9-dnsutils iproute2 systemd strace)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
((${#missing[@]})) || exit 0

sudo=""
[[ $EUID -eq 0 ]] || sudo="sudo"
created_policy=0
# Keep apt from starting knot's packaged service: tests start their own knotd.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    created_policy=1
fi
cleanup() { if ((created_policy)); then $sudo rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Only the binaries are wanted; the packaged knot service stays off.
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    $sudo systemctl disable --now knot >/dev/null 2>&1 || true
fi
