# pinhole: build, run, test, benchmark. See README.md.
SWIFT ?= swift
CONFIG ?=
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local

.PHONY: all deps build release run test unit fuzz bench bench-attribution bench-policy bench-enforcement bench-querylog bench-querylog-qps clean install uninstall install-files generate-manual

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Starts pinholed in the foreground on 127.0.0.153:53 with /etc/pinhole/pinhole.toml
# or the defaults, and this checkout's Blocklists/ (port 53 needs root: sudo
# is used when you are not).
LISTS ?= $(CURDIR)/Blocklists
run: release
	$(SUDO) .build/release/pinholed $(if $(CONFIG),--config $(CONFIG)) --lists-dir $(LISTS)

# The whole suite: unit and integration tests, then the parser fuzzer for a bounded time.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --no-parallel
	scripts/fuzz.sh $(FUZZ_SECONDS)

unit: deps
	$(SWIFT) test --skip IntegrationTests

fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

# Side-by-side with dnsmasq, unbound and systemd-resolved (../shared/bench),
# then pinholed with attribution on and off, and policy on and off.
BENCH ?= ../shared/bench
# pinholed runs with its defaults (query log on), its files in a temporary
# folder rather than the host's /var/lib/pinhole and /run/pinhole.
bench: release
	$(BENCH)/setup-deps.sh
	state=$$(mktemp -d) && CANDIDATE=127.0.0.153:53 CANDIDATE_NAME=pinholed \
	CANDIDATE_CMD="$(CURDIR)/.build/release/pinholed --config /dev/null --query-log $$state/queries.sqlite --control-socket $$state/control.sock --listen \$$CANDIDATE_ADDR:\$$CANDIDATE_PORT --upstream \$$UPSTREAM_ADDR:\$$UPSTREAM_PORT --log-level warning" \
	$(BENCH)/run-peers.sh; rc=$$?; rm -rf "$$state"; exit $$rc
	BENCH=$(BENCH) scripts/bench-attribution.sh
	BENCH=$(BENCH) scripts/bench-policy.sh
	$(SUDO) env BENCH=$(BENCH) scripts/bench-enforcement.sh

# What attributing a query costs (sock_diag, cached identity, a fresh socket,
# a new process among 5,000 others), release build, as root. ARGS passes
# options, e.g. make bench-attribution ARGS="--others 2000 --json".
bench-attribution: deps
	$(SWIFT) build -c release --product pinhole-attribution-bench
	$(SUDO) .build/release/pinhole-attribution-bench $(ARGS)

# Loading 1,000,000 hosts-list entries (time, resident memory) and lookup
# latency of the domain matcher, release build. ARGS passes options, e.g.
# make bench-policy ARGS="--entries 200000 --lookups 50000".
bench-policy: deps
	$(SWIFT) build -c release --product pinhole-policy-bench
	.build/release/pinhole-policy-bench $(ARGS)

# What enforcement costs, in private namespaces (never the host's ruleset):
# pin latency (text vs netlink vs batching, already pinned), 20,000 new
# pins/s for 10 s with zero loss, live elements, and hot-cache QPS with
# enforcement on vs off side by side. Release build, as root.
bench-enforcement: deps
	$(SWIFT) build -c release --product pinhole-enforcement-bench
	$(SWIFT) build -c release --product pinholed
	$(SUDO) env BENCH=$(BENCH) scripts/bench-enforcement.sh

# The query-log store with 10,000,000 synthetic rows: bytes per row, the CLI's
# reads, the writer's sustained rate, 50,000 rows/s for 60 s (release build).
# ARGS passes options, e.g. make bench-querylog ARGS="--rows 1000000 --seconds 10".
bench-querylog: deps
	scripts/bench-querylog.sh $(ARGS)

# The query log on vs off: hot-cache QPS side by side (../shared/bench) and
# entries dropped at 50,000 q/s for 60 s (dnsperf), release build, as root.
bench-querylog-qps: release
	$(SUDO) env BENCH=$(BENCH) scripts/bench-querylog-qps.sh

clean:
	$(SWIFT) package clean

# --- make install / make uninstall -------------------------------------------
# Installs pinhole as a systemd service (README "Install as a service"):
#   $(PREFIX)/bin/pinhole, pinholed        release binaries (INSTALL_FROM= another build folder)
#   $(PREFIX)/lib/systemd/system/pinholed.service, $(PREFIX)/lib/sysusers.d/pinhole.conf
#   $(PREFIX)/share/pinhole/blocklists/    the shipped lists (pinholed's default lists_dir)
#   $(PREFIX)/share/doc/pinhole/README.md
#   /etc/pinhole/pinhole.toml, apps.d/*.toml  examples, never overwriting a file
#   $(PREFIX)/share/man/man1/pinhole*.1, man8/pinholed.8  from the --help texts
#                                        (ArgumentParser's generate-manual, when built)
# With DESTDIR empty it also creates the user and group `pinhole` (systemd-sysusers,
# else groupadd/useradd) and lets that group write apps.d; it starts nothing.
DESTDIR ?=
BINDIR = $(PREFIX)/bin
UNITDIR = $(PREFIX)/lib/systemd/system
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d
DATADIR = $(PREFIX)/share/pinhole
DOCDIR = $(PREFIX)/share/doc/pinhole
MANDIR = $(PREFIX)/share/man
SYSCONFDIR = /etc/pinhole
INSTALL_FROM ?=
BUILT = $(if $(INSTALL_FROM),$(INSTALL_FROM),.build/release)
LIST_FILES = $(notdir $(wildcard Blocklists/*))
PROFILE_FILES = $(notdir $(wildcard deploy/apps.d/*.toml))

# swift-argument-parser's man page generator (works offline: it is a package dependency).
GENERATE_MANUAL ?= .build/debug/generate-manual
generate-manual:
	$(SWIFT) build --product generate-manual

install: $(if $(INSTALL_FROM),,release generate-manual)
	$(MAKE) install-files

install-files:
	@test -x $(BUILT)/pinholed -a -x $(BUILT)/pinhole || { echo "no pinhole/pinholed in $(BUILT): run make release or pass INSTALL_FROM=" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DATADIR)/blocklists $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILT)/pinholed $(BUILT)/pinhole $(DESTDIR)$(BINDIR)/
	sed -e 's|^ExecStart=/usr/local/bin/|ExecStart=$(BINDIR)/|' -e 's|^Documentation=file:/usr/local/share/doc/pinhole/|Documentation=file:$(DOCDIR)/|' \
	  deploy/pinholed.service > $(DESTDIR)$(UNITDIR)/pinholed.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/pinholed.service
	install -m 0644 deploy/pinhole.sysusers $(DESTDIR)$(SYSUSERSDIR)/pinhole.conf
	install -m 0644 $(addprefix Blocklists/,$(LIST_FILES)) $(DESTDIR)$(DATADIR)/blocklists/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@if [ -x "$(GENERATE_MANUAL)" ]; then set -e; \
	  install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8; \
	  $(GENERATE_MANUAL) $(BUILT)/pinhole --multi-page -o $(DESTDIR)$(MANDIR)/man1; \
	  $(GENERATE_MANUAL) $(BUILT)/pinholed --section 8 -o $(DESTDIR)$(MANDIR)/man8; \
	  rm -f $(DESTDIR)$(MANDIR)/man1/pinhole.help.1; echo "man pages in $(DESTDIR)$(MANDIR)"; \
	else echo "no man pages: $(GENERATE_MANUAL) not built (make generate-manual)"; fi
	install -d $(DESTDIR)$(SYSCONFDIR)/apps.d
	@set -e; for f in pinhole.toml $(addprefix apps.d/,$(PROFILE_FILES)); do \
	  if [ -e $(DESTDIR)$(SYSCONFDIR)/$$f ]; then echo "kept $(DESTDIR)$(SYSCONFDIR)/$$f (exists)"; \
	  else install -m 0644 deploy/$$f $(DESTDIR)$(SYSCONFDIR)/$$f; fi; done
	@if [ -z "$(DESTDIR)" ]; then \
	  if command -v systemd-sysusers >/dev/null; then systemd-sysusers $(SYSUSERSDIR)/pinhole.conf; \
	  else getent group pinhole >/dev/null || groupadd --system pinhole; \
	    getent passwd pinhole >/dev/null || useradd --system --gid pinhole --home-dir /var/lib/pinhole --no-create-home --shell /usr/sbin/nologin pinhole; fi; \
	  chgrp pinhole $(SYSCONFDIR)/apps.d && chmod 2775 $(SYSCONFDIR)/apps.d; \
	  echo "installed; start with: systemctl daemon-reload && systemctl enable --now pinholed"; fi

# Removes what install put, except example config files you edited (kept,
# named) and the user and group pinhole (system users are never reused, so
# they stay: userdel pinhole removes it).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pinholed $(DESTDIR)$(BINDIR)/pinhole
	rm -f $(DESTDIR)$(UNITDIR)/pinholed.service $(DESTDIR)$(SYSUSERSDIR)/pinhole.conf
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/blocklists/,$(LIST_FILES)) $(DESTDIR)$(DOCDIR)/README.md
	rm -f $(DESTDIR)$(MANDIR)/man1/pinhole.1 $(DESTDIR)$(MANDIR)/man1/pinhole.*.1 $(DESTDIR)$(MANDIR)/man8/pinholed.8
	-rmdir $(DESTDIR)$(DATADIR)/blocklists $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null
	@for f in pinhole.toml $(addprefix apps.d/,$(PROFILE_FILES)); do \
	  t=$(DESTDIR)$(SYSCONFDIR)/$$f; [ -e $$t ] || continue; \
	  if cmp -s deploy/$$f $$t; then rm -f $$t; else echo "kept $$t (edited)"; fi; done
	-@rmdir $(DESTDIR)$(SYSCONFDIR)/apps.d $(DESTDIR)$(SYSCONFDIR) 2>/dev/null || true
