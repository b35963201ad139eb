import Testing
@testable import PinholeCore

@Suite struct AppCgroupTests {
    static func identity(cgroup: String, unit: String?, userUnit: String? = nil) -> AppIdentity {
        AppIdentity(
            key: "k", pid: 1, startTime: 1, executable: "/bin/x", executableState: .present, commandLine: [], ancestors: [],
            uid: 0, userName: nil, cgroupPath: cgroup, unit: unit, userUnit: userUnit, slice: nil, flatpakID: nil, snapName: nil)
    }

    @Test(arguments: [
        ("/system.slice/nginx.service", "nginx.service", nil as String?, "system.slice/nginx.service"),
        ("/system.slice/nginx.service/worker", "nginx.service", nil, "system.slice/nginx.service"),
        ("/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1.scope", "user@1000.service", "app-firefox-1.scope",
         "user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1.scope"),
        ("/app-a.scope", "app-a.scope", nil, "app-a.scope"),
        ("/some/group", nil, nil, "some/group"),
        ("/", nil, nil, ""),
    ])
    func theUnitsCgroupElseTheProcesss(cgroup: String, unit: String?, userUnit: String?, expected: String) {
        #expect(AppCgroup.path(of: Self.identity(cgroup: cgroup, unit: unit, userUnit: userUnit)) == expected)
    }
}
