/// The man-style `discussion` of each `pinhole` subcommand: what it does,
/// then EXAMPLES and FILES sections (a test checks every subcommand has them).
enum HelpText {
    static let pinhole = """
        pinhole reads what pinholed (the DNS daemon) recorded and decided: the query log, the apps \
        seen, the policy's reasons, the kernel's pins; it checks configuration and runs commands \
        under a profile. Run `pinhole help SUBCOMMAND` for each one's manual.

        EXAMPLES:
          pinhole log --blocked --since 1h
          pinhole why firefox.service telemetry.mozilla.org
          pinhole status

        FILES:
          /etc/pinhole/pinhole.toml     pinholed's configuration (--config everywhere)
          /etc/pinhole/apps.d/*.toml    one profile per app
          /var/lib/pinhole/queries.sqlite  the query log
          /run/pinhole/control.sock     pinholed's control socket
        """

    static let checkConfig = """
        Reads the file exactly as pinholed does and prints every effective setting (defaults \
        included), or each error with file, line and key. Exit status 1 on any error, so it fits \
        before `systemctl reload pinholed`.

        EXAMPLES:
          pinhole check-config
          pinhole check-config /tmp/new-pinhole.toml && sudo cp /tmp/new-pinhole.toml /etc/pinhole/

        FILES:
          /etc/pinhole/pinhole.toml     the default file; an empty or missing one means all defaults
        """

    static let why = """
        APP is a running process's pid, a unit or scope (nginx.service, app-firefox-1234.scope; \
        user:NAME for a user unit), an executable path, or "unknown". The policy is read from the \
        files pinholed reads (--config), with pinholed's own code.

        EXAMPLES:
          pinhole why nginx.service api.example.com
          pinhole why 4242 ads.example.net AAAA
          pinhole why /usr/bin/curl example.org

        FILES:
          /etc/pinhole/pinhole.toml     where profiles_dir and lists_dir come from
          /etc/pinhole/apps.d/*.toml    the profiles
        """

    static let lists = """
        Loads every global list of policy.lists_dir as pinholed does and prints, per list, how many \
        entries it holds and which lines were rejected (with file:line) or ignored.

        EXAMPLES:
          pinhole lists
          pinhole lists --all --config /tmp/test.toml

        FILES:
          /etc/pinhole/pinhole.toml     policy.lists_dir
          <prefix>/share/pinhole/blocklists  the shipped lists (the default lists_dir)
        """

    static let status = """
        Asks pinholed over its control socket for its version, uptime and counters, and reads the \
        kernel's `table inet pinhole` for what is enforced per app. Fails only when neither can be read.

        EXAMPLES:
          pinhole status
          pinhole status --json | jq .daemon

        FILES:
          /run/pinhole/control.sock     pinholed's control socket (root and group pinhole)
        """

    static let exec = """
        The command runs in the scope pinhole-NAME-<PID>.scope (a systemd transient scope, or \
        /sys/fs/cgroup/pinhole.exec/pinhole-NAME-<PID>.scope without systemd), which selects the \
        profile named NAME; pinholed governs it from its first packet when that profile is in enforce \
        or first-party mode. pinhole execs the command: its exit status and signals are the command's.

        EXAMPLES:
          pinhole exec --app shop -- curl https://shop.example.com/
          pinhole exec --app build --no-systemd -- make

        FILES:
          /etc/pinhole/apps.d/NAME.toml the profile the command runs under
        """

    static let log = """
        Times for --since/--until: a duration back from now (90s, 10m, 2h, 7d, 2w), now, today, yesterday, \
        or an ISO date or time (2026-11-25, 2026-11-25T14:30). --domain example.com (or *.example.com) \
        matches the name and every name below it; other globs match whole names. --follow streams new \
        queries from pinholed's control socket until interrupted.

        EXAMPLES:
          pinhole log --blocked --since 1h
          pinhole log --app firefox.service --domain '*.mozilla.org' --csv > firefox.csv
          pinhole log --follow

        FILES:
          /var/lib/pinhole/queries.sqlite  the query log (querylog.path)
          /run/pinhole/control.sock     for --follow
        """

    static let apps = """
        One row per app in the query log, most recent first: the key pinhole groups by (unit, user \
        unit or executable), first and last query, how many were blocked, and how many domains.

        EXAMPLES:
          pinhole apps
          pinhole apps --csv > apps.csv

        FILES:
          /var/lib/pinhole/queries.sqlite  the query log (querylog.path)
        """

    static let domains = """
        --third-party keeps the domains outside the vendor set of the app's profile (chosen as pinholed \
        chooses it, from --config).

        EXAMPLES:
          pinhole domains --app firefox.service --since 7d
          pinhole domains --app /usr/bin/spotify --third-party

        FILES:
          /var/lib/pinhole/queries.sqlite  the query log (querylog.path)
          /etc/pinhole/apps.d/*.toml    the profiles, for --third-party
        """

    static let suggest = """
        Typically run after the app ran in learn mode. Domains the global lists (--config's lists_dir) would \
        block are marked LISTED with their categories and left commented out. --write puts the profile into \
        the profiles folder (atomically; an existing profile only with --force) and asks pinholed to reload.

        EXAMPLES:
          pinhole suggest --app nginx.service
          pinhole suggest --app app-firefox-1234.scope --since 30d --write --name firefox

        FILES:
          /var/lib/pinhole/queries.sqlite  the query log (querylog.path)
          /etc/pinhole/apps.d/NAME.toml the profile --write installs
        """
}
