import Testing
@testable import PinholeCore

@Suite struct AppKeyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var unit: String?
        var userUnit: String?
        var expected: String
        var testDescription: String { "\(unit ?? "-") / \(userUnit ?? "-") → \(expected)" }
    }

    static let exe = "/usr/bin/prog"

    static let cases: [Case] = [
        // Flatpak and snap give stable ids whatever the instance.
        Case(unit: "user@1000.service", userUnit: "app-flatpak-org.mozilla.firefox-12345.scope", expected: "flatpak:org.mozilla.firefox"),
        Case(unit: "user@1000.service", userUnit: "app-flatpak-com.valvesoftware.Steam-7.scope", expected: "flatpak:com.valvesoftware.Steam"),
        Case(unit: "user@1000.service", userUnit: "snap.firefox.firefox-2f3e4d5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f.scope", expected: "snap:firefox"),
        Case(unit: "snap.lxd.daemon.service", userUnit: nil, expected: "snap:lxd"),
        // XDG desktop scopes and services: the random part goes, the app id stays.
        Case(unit: "user@1000.service", userUnit: "app-gnome-firefox-4242.scope", expected: "app-gnome-firefox.scope"),
        Case(unit: "user@1000.service", userUnit: "app-org.kde.konsole-deadbeef12.scope", expected: "app-org.kde.konsole.scope"),
        Case(unit: "user@1000.service", userUnit: "app-gnome-org.gnome.Evince-9f0c2c1e-5b3d-4a0a-8c7e-1234567890ab.scope", expected: "app-gnome-org.gnome.Evince.scope"),
        Case(unit: "user@1000.service", userUnit: "app-gnome-org.gnome.Nautilus@1234.service", expected: "app-gnome-org.gnome.Nautilus@.service"),
        Case(unit: "user@1000.service", userUnit: "app-gnome-xdg\\x2duser\\x2ddirs-1502.scope", expected: "app-gnome-xdg\\x2duser\\x2ddirs.scope"),
        // A tail that does not look random is part of the name.
        Case(unit: "app-a.scope", userUnit: nil, expected: "app-a.scope"),
        Case(unit: nil, userUnit: "app-gnome-firefox-esr.scope", expected: "app-gnome-firefox-esr.scope"),
        Case(unit: nil, userUnit: "app-foo-beef.scope", expected: "app-foo-beef.scope"),
        Case(unit: "app-1234.scope", userUnit: nil, expected: "app-1234.scope"),
        // System and user services keep their whole name, templates included.
        Case(unit: "nginx.service", userUnit: nil, expected: "nginx.service"),
        Case(unit: "getty@tty1.service", userUnit: nil, expected: "getty@tty1.service"),
        Case(unit: "user@1000.service", userUnit: "pipewire.service", expected: "pipewire.service"),
        Case(unit: "docker-0123abcd.scope", userUnit: nil, expected: "docker-0123abcd.scope"),
        // Units that group unrelated programs, or none: the executable.
        Case(unit: "session-3.scope", userUnit: nil, expected: exe),
        Case(unit: "init.scope", userUnit: nil, expected: exe),
        Case(unit: "user@1000.service", userUnit: nil, expected: exe),
        Case(unit: "user@1000.service", userUnit: "init.scope", expected: exe),
        Case(unit: "user-runtime-dir@1000.service", userUnit: nil, expected: exe),
        Case(unit: "user@1000.service", userUnit: "vte-spawn-0a1b2c3d-0000-4000-8000-123456789abc.scope", expected: exe),
        Case(unit: "run-u42.service", userUnit: nil, expected: exe),
        Case(unit: "run-r0123456789abcdef.scope", userUnit: nil, expected: exe),
        Case(unit: nil, userUnit: nil, expected: exe),
    ]

    @Test(arguments: cases)
    func derive(_ c: Case) {
        #expect(AppKey.derive(unit: c.unit, userUnit: c.userUnit, executable: Self.exe) == c.expected)
    }

    @Test(arguments: [
        ("app-flatpak-org.mozilla.firefox-12345.scope", "org.mozilla.firefox"),
        ("app-flatpak-org.gnome.Maps-1.scope", "org.gnome.Maps"),
        ("app-flatpak-org.gnome.Maps.scope", "org.gnome.Maps"),
    ])
    func flatpakID(_ unit: String, _ expected: String) {
        #expect(AppKey.flatpakID(fromUnit: unit) == expected)
    }

    @Test(arguments: ["app-gnome-firefox-1.scope", "app-flatpak--1.scope", "app-flatpak-org.x.Y-1.service", "flatpak-session-helper.service"])
    func notFlatpak(_ unit: String) {
        #expect(AppKey.flatpakID(fromUnit: unit) == nil)
    }

    @Test(arguments: [
        ("snap.firefox.firefox-2f3e4d5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f.scope", "firefox"),
        ("snap.lxd.daemon.service", "lxd"),
        ("snap.code.code.3c7a.scope", "code"),
    ])
    func snapName(_ unit: String, _ expected: String) {
        #expect(AppKey.snapName(fromUnit: unit) == expected)
    }

    @Test(arguments: ["snapd.service", "snap..x.scope", "snap.x.scope", "snap.lxd.daemon.socket"])
    func notSnap(_ unit: String) {
        #expect(AppKey.snapName(fromUnit: unit) == nil)
    }
}
