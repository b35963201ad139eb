# pinhole: build, run, test, benchmark. See README.md.
SWIFT ?= swift
CONFIG ?=
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local

.PHONY: all deps build release run test unit fuzz bench bench-attribution bench-policy bench-enforcement bench-querylog bench-querylog-qps clean

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
bench: release
	$(BENCH)/setup-deps.sh
	CANDIDATE=127.0.0.153:53 CANDIDATE_NAME=pinholed \
	CANDIDATE_CMD='$(CURDIR)/.build/release/pinholed --config /dev/null --listen $$CANDIDATE_ADDR:$$CANDIDATE_PORT --upstream $$UPSTREAM_ADDR:$$UPSTREAM_PORT --log-level warning' \
	$(BENCH)/run-peers.sh
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
