import Dispatch
import FoundationEssentials
import Glibc

/// The watcher, the config file and the signals: what reports to the loop from outside.
extension DevLoop {
    /// The config's ignore rules, plus the `--events` file: each event written there must not be a change.
    static func filter(_ config: Config, eventsFile: String?) -> PathFilter {
        var filter = config.ignoreFilter
        if let eventsFile, let relative = PathFilter.relative(FilePath.absolute(eventsFile), to: config.directory) {
            filter.add(["/" + relative], source: "--events")
        }
        return filter
    }

    /// Starts the watcher; its first walk runs off the caller's executor.
    func startWatching(sink: AsyncStream<LoopShell.Event>.Continuation, outputs: StageOutputs, barriers: WatcherBarriers) async -> InotifyWatcher? {
        let watcher = InotifyWatcher(
            roots: config.watch.paths, filter: Self.filter(config, eventsFile: eventLog?.path), configFiles: config.filesRead,
            backend: config.watch.backend, pollInterval: config.watch.pollInterval,
            handler: watcherHandler(sink: sink, outputs: outputs, barriers: barriers))
        switch await Uncancelled.run({ Result { try watcher.start() } }) {
        case .success(let summary):
            tell(.notice(.watch(.watching(summary, pollInterval: config.watch.pollInterval))))
            return watcher
        case .failure(let error):
            tell(.notice(.watch(.watcherFailed(error: "\(error)"))))
            return nil
        }
    }

    /// Events in a running stage's outputs are sorted out here, on the watcher's thread, so they
    /// stay in order with its barriers.
    func watcherHandler(
        sink: AsyncStream<LoopShell.Event>.Continuation, outputs: StageOutputs, barriers: WatcherBarriers
    ) -> @Sendable (WatcherOutput) -> Void {
        let (console, directory, tell) = (console, config.directory, tell)
        return { output in
            switch output {
            case .events(let events):
                let sorted = outputs.sort(events)
                if sorted.suppressed > 0 { tell(.notice(.watch(.stageOutputEvents(sorted.suppressed)))) }
                guard !sorted.changes.isEmpty else { return }
                if console.verbose {
                    for event in sorted.changes {
                        tell(.notice(.watch(.fileEvent(event.kind, path: PathFilter.relative(event.path, to: directory) ?? event.path))))
                    }
                }
                sink.yield(.input(.filesChanged(sorted.changes, duringStages: sorted.duringStages)))
            case .configFile(let kind): sink.yield(.input(.configFileChanged(kind)))
            case .rearmed(let summary): sink.yield(.watcherRearmed(summary))
            case .warning(let message): tell(.notice(.watch(.watcherWarning(message))))
            case .readableAgain(let path): tell(.notice(.watch(.readableAgain(PathFilter.relative(path, to: directory) ?? path))))
            case .barrier(let id): barriers.arrived(id)
            }
        }
    }

    func installSignalHandlers(_ sink: AsyncStream<LoopShell.Event>.Continuation) -> [any DispatchSourceSignal] {
        var sources: [any DispatchSourceSignal] = []
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { sink.yield(.input(.signal(signal))) }
            source.resume()
            sources.append(source)
        }
        Glibc.signal(SIGPIPE, SIG_IGN)
        // A file size limit (ulimit -f) reached by --events is an error to say, not the end of altv-dev.
        Glibc.signal(SIGXFSZ, SIG_IGN)
        if let status = options.statusLine {
            let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
            resize.setEventHandler { status.resized(to: StatusLine.width()) }
            resize.resume()
            sources.append(resize)
        }
        // Like a shell tool killed by SIGPIPE, altv-dev stops when its output goes away, but gracefully.
        console.onOutputClosed { sink.yield(.input(.signal(SIGPIPE))) }
        return sources
    }
}

/// The inotify watcher as the shell re-arms it: the `--events` file stays ignored.
struct RearmableWatcher: WatcherControl {
    let watcher: InotifyWatcher
    let eventsFile: String?

    func rearm(for config: Config) {
        watcher.rearm(
            roots: config.watch.paths, filter: DevLoop.filter(config, eventsFile: eventsFile), backend: config.watch.backend,
            pollInterval: config.watch.pollInterval, configFiles: config.filesRead)
    }

    func stop() { watcher.stop() }
}

extension ServerSupervisor: ServerConsole {}
extension ServiceManager: ServiceControl {}
