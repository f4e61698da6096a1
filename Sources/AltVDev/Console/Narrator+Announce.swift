extension Narrator {
    /// What `watch` will do, said once at start.
    public func announce(_ config: Config) {
        let watched = config.watch.paths.map { PathFilter.relative($0, to: config.directory).map { $0.isEmpty ? "." : $0 } ?? $0 }
            .joined(separator: ", ")
        console.say("watching \(watched) · debounce \(config.watch.debounce.humanReadable) · config \(config.file)")
        console.say("server: \(config.server.command) (in \(config.server.cwd)) · ready when /\(config.server.ready)/")
        if !config.stages.isEmpty { console.say("stages: " + config.stages.map(\.name).joined(separator: ", ")) }
        if !config.services.isEmpty { console.say("services: " + config.services.map(\.name).joined(separator: ", ")) }
        if config.server.onChange == .restartResources {
            let folder = PathFilter.relative(config.server.resourcesDir, to: config.directory) ?? config.server.resourcesDir
            console.say("on_change = \"restart-resources\": changes inside \(folder) restart just their resources")
        }
        if config.reconnect.enabled {
            let password = config.reconnect.passwordSource.map { "password from \($0)" } ?? "no password"
            console.say("reconnect: \(config.reconnect.url) (\(password))")
        }
        for note in ConfigAdvisor.notes(for: config) { console.say(note) }
        // The alt:V doctor's findings (as `check` prints them), once.
        for finding in AltVDoctor.findings(for: config) { console.say(finding.description, .placedWarning) }
    }

    /// Once per polled folder: where inotify is blind, and how often it is swept instead.
    func announcePolling(_ summary: WatchSummary, pollInterval: Duration) {
        for folder in summary.polled {
            let shown = PathFilter.relative(folder.path, to: directory).map { $0.isEmpty ? "." : $0 } ?? folder.path
            let every = "polled every \(pollInterval.humanReadable)"
            if folder.overLimit {
                console.say("\(shown): over the inotify watch limit, \(every)")
                continue
            }
            console.say(folder.fileSystem.map { "\(shown) is on \($0): \(every)" } ?? "\(shown): \(every) (backend = \"poll\")")
        }
    }
}
