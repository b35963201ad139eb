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

    static let allow = """
        Adds DOMAIN to the top-level `allow` list of APP's profile (--remove takes it out), then pinholed \
        reloads its policy. APP is a profile name (the file stem in the profiles folder); a unit name \
        (NAME.service, NAME.scope) without a profile gets a new profile matching that unit. pinholed edits \
        the file itself, keeping its comments and layout; when the reload fails the file is put back as it \
        was and the running policy stays. Only root and members of control.admin_group may run it (the \
        socket checks the caller's uid). Exit status 0 when the rule is in force (or already was), 1 on \
        any error, printed with file:line.

        EXAMPLES:
          pinhole allow firefox example.com
          pinhole allow backup.service s3.example
          pinhole allow --remove firefox example.com

        FILES:
          /etc/pinhole/apps.d/APP.toml  the profile edited (policy.profiles_dir)
          /run/pinhole/control.sock     pinholed's control socket (--socket)
        """

    static let deny = """
        Adds DOMAIN to the top-level `deny` list of APP's profile (--remove takes it out), then pinholed \
        reloads its policy; deny wins over allow in every mode. APP is a profile name, or a unit name \
        (NAME.service, NAME.scope) that gets a new profile. pinholed edits the file itself, keeping its \
        comments and layout; when the reload fails the file is put back as it was and the running policy \
        stays. Only root and members of control.admin_group may run it. Exit status 0 when the rule is in \
        force (or already was), 1 on any error, printed with file:line.

        EXAMPLES:
          pinhole deny firefox telemetry.mozilla.org
          pinhole deny nginx.service '*.ads.example'
          pinhole deny --remove firefox telemetry.mozilla.org

        FILES:
          /etc/pinhole/apps.d/APP.toml  the profile edited (policy.profiles_dir)
          /run/pinhole/control.sock     pinholed's control socket (--socket)
        """

    static let mode = """
        Sets `mode` in APP's profile and pinholed reloads: enforce (only the profile's domains), first-party \
        (the app's vendor domains too), block-listed (everything but the global lists), learn (everything, \
        logged for `pinhole suggest`) or off. APP is a profile name, or a unit name (NAME.service, \
        NAME.scope) that gets a new profile. When the reload fails the file is put back and the running \
        policy stays. Only root and members of control.admin_group may run it. Exit status 0 when the mode \
        is in force, 1 on any error.

        EXAMPLES:
          pinhole mode firefox learn
          pinhole mode nginx.service enforce

        FILES:
          /etc/pinhole/apps.d/APP.toml  the profile edited (policy.profiles_dir)
          /run/pinhole/control.sock     pinholed's control socket (--socket)
        """

    static let reload = """
        pinholed reads every profile and global list again, checks them all, and only then swaps the policy \
        in, atomically; on any error the running policy stays in force and every error is printed with \
        file:line. The same as `systemctl reload pinholed` (SIGHUP), which only logs the errors. Only root \
        and members of control.admin_group may run it. Exit status 0 when the new policy is in force, 1 when \
        the reload failed or pinholed could not be asked.

        EXAMPLES:
          pinhole reload
          pinhole reload --socket /run/pinhole/control.sock

        FILES:
          /etc/pinhole/apps.d/*.toml    the profiles (policy.profiles_dir)
          <prefix>/share/pinhole/blocklists  the global lists (policy.lists_dir)
          /run/pinhole/control.sock     pinholed's control socket (--socket)
        """

    static let systemResolver = """
        enable makes pinhole the resolver of every program on the machine, disable puts every file back byte \
        for byte, status tells which mode is on. Changing the system needs root. See \
        `pinhole help system-resolver enable` for the modes.

        EXAMPLES:
          pinhole system-resolver status
          pinhole system-resolver enable --dry-run
          pinhole system-resolver disable

        FILES:
          /etc/resolv.conf              written by enable, restored by disable
          /var/lib/pinhole/system-resolver/manifest.json  what enable changed and the backups (files/N)
        """

    static let systemResolverEnable = """
        Detects the set-up (resolv.conf, systemd-resolved, NetworkManager, nsswitch), prints the plan (every \
        file with its new contents, every systemctl call), asks (or --yes), backs up every file it will \
        change, then applies it; a failed step undoes what was done. keep-resolved (the default where \
        systemd-resolved runs): resolved stops answering on 127.0.0.53 and pinhole forwards to its proxy \
        stub 127.0.0.54, keeping per-link DNS; `resolve` leaves nsswitch's hosts line. replace: resolved is \
        disabled and stopped and pinhole forwards to the servers resolved (or resolv.conf) used; where glibc \
        uses nss-resolve, pinholed serves io.systemd.Resolve itself ([varlink] enabled = true, plus a \
        pinholed.service drop-in giving it /run/systemd/resolve). Needs root. Already enabled: says so and \
        changes nothing. Exit status 0 when enabled (or already), 1 when a step failed (rolled back).

        EXAMPLES:
          pinhole system-resolver enable --dry-run
          pinhole system-resolver enable --yes
          pinhole system-resolver enable --mode replace --upstream 9.9.9.9

        FILES:
          /etc/resolv.conf              names pinhole's listen addresses
          /etc/pinhole/pinhole.toml     upstream.resolv_conf (and varlink.enabled in replace mode)
          /etc/pinhole/upstream-resolv.conf  the adopted upstream servers
          /etc/systemd/resolved.conf.d/pinhole.conf  keep-resolved mode
          /etc/systemd/system/pinholed.service.d/pinhole-varlink.conf  replace mode with varlink
          /etc/NetworkManager/conf.d/90-pinhole.conf  where NetworkManager writes resolv.conf
          /etc/nsswitch.conf            `resolve` removed from hosts (unless pinholed serves varlink)
          /var/lib/pinhole/system-resolver/  manifest.json and the backups (--state-dir)
        """

    static let systemResolverDisable = """
        Restores every file enable changed from the backups, byte for byte (symlinks as symlinks, modes and \
        owners), removes the files and folders it created, runs the undo of each systemctl call (enable \
        --now systemd-resolved; daemon-reload, restarts and reloads last, once every file is back) and \
        deletes the manifest. Needs root. Not enabled: says so and changes nothing. Exit status 0 when all \
        is undone, 1 when something could not be (the manifest and backups are then kept for another try).

        A file changed since enable wrote it (by you or another tool: now a symlink, other contents, another \
        mode or owner) stops disable before it changes anything; it lists each such file and what changed, and \
        exits 1. With --force the backups go back anyway, after each changed file's current version is saved \
        under the state directory (changed-after-enable-<time>/<path>; the paths are printed). A manifest \
        written by an older pinhole has no record of what enable wrote: disable says so and does not check.

        EXAMPLES:
          pinhole system-resolver disable
          pinhole system-resolver disable --force
          pinhole system-resolver disable --state-dir /var/lib/pinhole/system-resolver

        FILES:
          /var/lib/pinhole/system-resolver/manifest.json  what enable changed, in order
          /var/lib/pinhole/system-resolver/files/N  the previous bytes of each file
        """

    static let systemResolverStatus = """
        Prints whether pinhole is the system resolver (mode, since when, upstreams, the files changed, and \
        each of them changed since enable wrote it, which would stop disable without --force) and \
        what resolv.conf, systemd-resolved, nsswitch's hosts line and NetworkManager look like now. Changes \
        nothing; any user may run it. Exit status 0, 1 when the manifest cannot be read.

        EXAMPLES:
          pinhole system-resolver status

        FILES:
          /var/lib/pinhole/system-resolver/manifest.json  present while enabled
          /etc/resolv.conf, /etc/nsswitch.conf  what is reported
        """

    static let doctor = """
        Checks, and prints each finding with its fix: pinholed answers on its control socket; each upstream \
        it forwards to has answered since it started (only failures or timeouts: failed); resolv.conf \
        names pinhole (and nothing after it); nsswitch's hosts line has `dns` and no `resolve`, unless \
        pinholed serves io.systemd.Resolve, which is then checked with a call over the socket; pinholed \
        holds port 53 on each listen address; `table inet pinhole` exists when enforcement is on; and end to \
        end, a getaddrinfo() of a random name under pinhole-doctor.invalid must reach pinholed attributed to \
        doctor's own pid. Changes nothing; run it as root (or in group pinhole) to read the control socket. \
        Exit status 0 when every check passes, 1 when one fails.

        EXAMPLES:
          pinhole doctor
          pinhole doctor --json | jq '.[] | select(.status == "failed")'

        FILES:
          /etc/pinhole/pinhole.toml     listen addresses, control socket, varlink socket
          /etc/resolv.conf, /etc/nsswitch.conf  what programs use
          /run/pinhole/control.sock     pinholed's control socket (--socket)
          /run/systemd/resolve/io.systemd.Resolve  pinholed's varlink socket in replace mode
        """
}
