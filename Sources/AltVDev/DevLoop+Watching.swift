import Dispatch
import FoundationEssentials
import Glibc

/// The watcher, the config file and the signals: what reports to the loop from outside.
extension DevLoop {
    /// The config's ignore rules, plus the `--events` file: each event written there must not be a change.
    func makeFilter(_ config: Config) -> PathFilter {
        var filter = config.ignoreFilter
        if let events = eventLog?.path,
            let relative = PathFilter.relative(FilePath.absolute(events), to: config.directory)
        {
            filter.add(["/" + relative], source: "--events")
        }
        return filter
    }

    /// Starts the watcher; its first walk runs off the actor.
    func startWatching() async -> Bool {
        let watcher = InotifyWatcher(
            roots: config.watch.paths, filter: makeFilter(config), configFile: config.file, backend: config.watch.backend,
            pollInterval: config.watch.pollInterval, handler: watcherHandler())
        switch await Uncancelled.run({ Result { try watcher.start() } }) {
        case .success(let summary):
            emit(.notice(.watch(.watching(folders: summary.folders))))
            narrator.announcePolling(summary, config: config)
        case .failure(let error):
            emit(.notice(.watch(.watcherFailed(error: "\(error)"))))
            return false
        }
        self.watcher = watcher
        if let folder = watcher.barrierFolder { guardian?.removeOnExit(folder: folder) }
        return true
    }

    /// Events in a running stage's outputs are sorted out here, on the watcher's thread, so they
    /// stay in order with its barriers.
    nonisolated func watcherHandler() -> @Sendable (WatcherOutput) -> Void {
        let (sink, outputs, barriers, console, directory, emit) = (sink, stageOutputs, barriers, console, directory, emit)
        return { output in
            switch output {
            case .events(let events):
                let sorted = outputs.sort(events)
                if sorted.suppressed > 0 { emit(.notice(.watch(.stageOutputEvents(sorted.suppressed)))) }
                guard !sorted.changes.isEmpty else { return }
                if console.verbose {
                    for event in sorted.changes {
                        emit(.notice(.watch(.fileEvent(event.kind, path: PathFilter.relative(event.path, to: directory) ?? event.path))))
                    }
                }
                sink.yield(.input(.filesChanged(sorted.changes, duringStages: sorted.duringStages)))
            case .configFile(let kind): sink.yield(.configFile(kind))
            case .rearmed(let summary): sink.yield(.watcherRearmed(summary))
            case .warning(let message): emit(.notice(.watch(.watcherWarning(message))))
            case .barrier(let id): barriers.arrived(id)
            }
        }
    }

    func installSignalHandlers() {
        let sink = self.sink
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { sink.yield(.input(.signal(signal))) }
            source.resume()
            signalSources.append(source)
        }
        Glibc.signal(SIGPIPE, SIG_IGN)
        if let status = options.statusLine {
            let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
            resize.setEventHandler { status.resized(to: StatusLine.width()) }
            resize.resume()
            signalSources.append(resize)
        }
        // Like a shell tool killed by SIGPIPE, altv-dev stops when its output goes away, but gracefully.
        console.onOutputClosed { sink.yield(.input(.signal(SIGPIPE))) }
    }

    // MARK: Config hot reload

    func configFileChanged(_ kind: FileEvent.Kind) {
        guard scheduler.state != .stopping else { return }
        if kind == .removed || kind == .renamedFrom {
            // Editors that save by rename delete or move the old file first: wait for the new one.
            emit(.notice(.watch(.configFileGone(config.file))))
        }
        configReload?.cancel()
        let quiet = config.watch.debounce
        configReload = Task {
            guard (try? await Task.sleep(for: quiet)) != nil else { return }
            await self.reloadConfig()
        }
    }

    /// Applies the saved config if it is valid; else keeps the old one and says why.
    func reloadConfig() async {
        switch ConfigReload.read(current: config, environment: options.environment) {
        case .keep(let message): emit(.notice(.watch(.configKept(message))))
        case .rejected(let errors): emit(.configRejected(file: config.file, errors: errors))
        case .unchanged: emit(.notice(.watch(.configUnchanged)))
        case .changed(let new, let changes):
            console.setSecrets([new.reconnect.password?.value].compactMap { $0 })
            emit(.configReloaded(changes: changes))
            if new.reconnect.password != config.reconnect.password, let warning = Redactor.weakSecretWarning(new.reconnect.password) {
                emit(.notice(.watch(.weakPassword(warning))))
            }
            await apply(new)
        }
    }

    private func apply(_ new: Config) async {
        let old = config
        config = new
        if old.watch != new.watch {
            watcher?.rearm(roots: new.watch.paths, filter: makeFilter(new), backend: new.watch.backend, pollInterval: new.watch.pollInterval)
        }
        // Stages and reconnect settings apply from the next plan on: each plan carries its own.
        if old.services != new.services || old.server.stopSignal != new.server.stopSignal || old.server.stopTimeout != new.server.stopTimeout {
            await services?.apply(new.services, server: new.server, hiding: [new.reconnect.passwordEnv])
        }
        perform(scheduler.handle(.configApplied(.init(new), restartServer: old.server != new.server), at: .now))
    }
}
