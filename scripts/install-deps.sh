#!/usr/bin/env bash
# Installs what building, running and testing pinhole needs on Debian/Ubuntu
# (idempotent; apt only when something is missing). The Swift 6 toolchain
# itself is expected on PATH (swift.org's Linux release).
#   libldns-dev       DNS message validation (DNSWire)
#   libsystemd-dev    systemd unit/slice of a process (Attribution, via CSystemd)
#   libpsl-dev        registrable domains (eTLD+1) for profile `vendor` domains (PinholeDaemon, via CPsl)
#   libidn2-dev       IDNA2008: non-ASCII names from nss-resolve to A-labels (PinholeDaemon, via CIdn2)
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

# libnss-resolve: glibc's NSS module that resolves through io.systemd.Resolve
# over varlink, the real client of the varlink e2e test. Only its module is
# unpacked, into /opt/pinhole-test/lib (not on the loader path), never
# installed: the package depends on systemd-resolved, whose postinst takes
# over /etc/resolv.conf, and its own postinst edits /etc/nsswitch.conf. The
# test loads it with LD_LIBRARY_PATH inside a private mount namespace.
nss_dir=/opt/pinhole-test/lib
unpack_nss_resolve() {
    local sudo_nss="" work status=0
    [[ $EUID -eq 0 ]] || sudo_nss="sudo"
    work=$(mktemp -d)
    if ! (cd "$work" && apt-get download libnss-resolve >/dev/null 2>&1); then
        $sudo_nss apt-get update -qq && (cd "$work" && apt-get download libnss-resolve >/dev/null) || status=1
    fi
    if ((status == 0)); then
        dpkg-deb -x "$work"/libnss-resolve_*.deb "$work/root" \
            && $sudo_nss install -D -m 0644 "$(find "$work/root" -name libnss_resolve.so.2 | head -n1)" "$nss_dir/libnss_resolve.so.2" \
            || status=1
    fi
    rm -rf "$work"
    return $status
}
if [[ ! -e $nss_dir/libnss_resolve.so.2 ]]; then
    # Only the varlink e2e test needs it (and says so): building goes on without.
    unpack_nss_resolve || echo "warning: could not unpack libnss-resolve into $nss_dir; VarlinkE2ETests will not run" >&2
fi

pkgs=(libldns-dev libsystemd-dev libpsl-dev libidn2-dev libnftables-dev libnftnl-dev libmnl-dev libsqlite3-dev publicsuffix util-linux nftables pkg-config knot knot-dnsutils bind9-dnsutils iproute2 systemd strace)
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
