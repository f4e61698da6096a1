extension Narrator {
    /// Each `Notice`'s words and level.
    func tell(_ notice: Notice) {
        let (text, level) = Self.words(for: notice)
        console.say(text, level)
        switch notice {
        case .watch(.watching(let summary, let interval)), .watch(.watchingAgain(let summary, let interval)):
            announcePolling(summary, pollInterval: interval)
        default: break
        }
    }

    static func words(for notice: Notice) -> (String, Console.Level) {
        switch notice {
        case .process(let notice): words(for: notice)
        case .service(let notice): words(for: notice)
        case .watch(let notice): words(for: notice)
        case .loop(let notice): words(for: notice)
        case .client(let notice): words(for: notice)
        case .reconnectCommand(let notice): words(for: notice)
        }
    }

    static func words(for notice: ProcessNotice) -> (String, Console.Level) {
        switch notice {
        case .serverSpawned(let pid, let command): ("server started (pid \(pid)): \(command)", .debug)
        case .serverSignalled(let signal, let group): ("stopping server (\(signal) to process group \(group))", .debug)
        case .portStillTaken(let port, let timeout): ("port \(port) is still taken; waiting up to \(timeout.humanReadable) for it", .debug)
        case .consoleCommandTyped(let command): ("typed `\(command)` into the server console", .debug)
        case .serverDidNotStart(let error): (error, .error)
        case .serverStoppedAtExit(let duration): ("server stopped in \(duration.humanReadable)", .info)
        case .killedAfterTimeout(let name, let timeout, let signal):
            ("\(name) did not stop within \(timeout.humanReadable) of \(signal): killed its process group with SIGKILL", .warning)
        case .strays(let name, let pids):
            ("\(name) had started \(pids.count) process(es) outside its process group (pid \(pids.map(String.init).joined(separator: ", "))): ended with it", .debug)
        case .survivedKill(let name, let group): ("processes in group \(group) (\(name)) survived SIGKILL; check `ps -g \(group)`", .error)
        case .stageSpawned(let name, let pid, let command): ("stage \(name) started (pid \(pid)): \(command)", .debug)
        case .stagesRunning(let names): ("running stage\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))", .debug)
        case .stagesChangedNoResource: ("the stages changed no resource: nothing to restart", .info)
        case .resourceNotLoaded(let name, let serverToml):
            ("resource \(name) changed, but resources in \(serverToml) does not list it: the server does not load it, so it is not restarted", .info)
        case .resourceStopFailed(let reason): ("resource stop failed: \(reason); restarting the whole server", .warning)
        case .resourceHeldBack(let name, let stages):
            ("resource \(name) is not restarted: stage \(stages.joined(separator: ", ")) failed, so it keeps its old code", .info)
        case .sourceMapIgnored(let file, let reason): ("source map \(file) \(reason): its frames are shown as the server printed them", .warning)
        }
    }

    static func words(for notice: ServiceNotice) -> (String, Console.Level) {
        switch notice {
        case .removed(let name): ("service \(name) removed from the config: stopping it", .info)
        case .changed(let name): ("service \(name) changed: restarting it", .info)
        case .spawned(let name, let pid, let command): ("service \(name) started (pid \(pid)): \(command)", .debug)
        case .didNotStart(let name, let error): ("service \(name) did not start: \(error)", .error)
        case .gaveUp(let name, let failures, let window):
            (
                "service \(name) failed \(failures) times within \(window.humanReadable): not restarting it; "
                    + "its last lines are above. Fix it, then save altv-dev.toml with the service changed, or restart altv-dev", .error
            )
        case .restarting(let name, let delay): ("restarting service \(name) in \(delay.humanReadable)", .warning)
        case .stopped(let name, let duration): ("service \(name) stopped in \(duration.humanReadable)", .debug)
        case .stillStopping(let name, let signal, let timeout):
            ("waiting for service \(name) to stop after \(signal); its process group gets SIGKILL \(timeout.humanReadable) after the signal", .info)
        case .awaited(let name, let pattern): ("waiting for service \(name) to be ready (/\(pattern)/)", .debug)
        case .notReady(let name, let pattern, let timeout):
            ("service \(name) printed nothing matching /\(pattern)/ within \(timeout.humanReadable); starting the server anyway", .warning)
        }
    }

    static func words(for notice: WatchNotice) -> (String, Console.Level) {
        switch notice {
        case .watching(let summary, _): ("watching \(summary.folders) folder(s)", .debug)
        case .watchingAgain(let summary, _): ("watching \(summary.folders) folder(s) with the new [watch] settings", .info)
        case .watcherFailed(let error): (error, .error)
        case .stageOutputEvents(let count): ("\(count) event(s) in a running stage's outputs: not a new change", .debug)
        case .fileEvent(let kind, let path): ("\(kind.rawValue): \(path)", .debug)
        case .watcherWarning(let message), .configKept(let message), .weakPassword(let message), .passwordMismatch(let message):
            (message, .warning)
        case .readableAgain(let path): ("\(path) can be read now: watching it", .info)
        case .configFileGone(let file): ("\(file) was deleted or moved away; keeping the last good config", .debug)
        case .configUnchanged: ("config saved; nothing changed", .debug)
        }
    }

    static func words(for notice: LoopNotice) -> (String, Console.Level) {
        switch notice {
        case .notBuilt(let finding): (finding.description, .placedWarning)
        case .notStarted(let error): (error, .error)
        case .noGuardian(let error):
            ("could not start the guardian process (\(error)); if altv-dev is killed with SIGKILL the server stays", .warning)
        case .standardInputClosed:
            ("standard input closed: typed lines and : commands are no longer read; Ctrl+C stops altv-dev", .warning)
        case .endOfInputTyped: ("Ctrl+D does not stop altv-dev: type :q (or press Ctrl+C) to stop it", .info)
        case .commandsHint: ("type :help for altv-dev's commands; other lines go to the server's console", .debug)
        case .stoppingEarly: ("stopping the server while the changes settle", .debug)
        case .cycleSkipped(let number): ("#\(number) skipped: a newer change set came in before it began", .info)
        case .help: (ConsoleCommand.helpText, .info)
        case .unknownCommand(let text): ("unknown command \(text); :help lists altv-dev's commands", .warning)
        case .notSent(let text): ("no server is running: `\(text)` was not sent", .warning)
        case .restartCommand: (":r → restarting the server", .info)
        case .noControlSocket(let error): ("no control socket (altv-dev send and wait cannot reach this watch): \(error)", .warning)
        case .resourceRestartCommand(let name): ("restart-resource \(name) (control socket) → restarting it", .info)
        case .reconnectCommand: (":rc → reconnecting the game client", .info)
        case .eventsFileWarning(let message): (message, .warning)
        }
    }

    static func words(for notice: ReconnectCommandNotice) -> (String, Console.Level) {
        switch notice {
        case .unreachable(let url, let error): ("game client at \(url) \(error); retrying", .warning)
        case .waiting(let status): words(for: ClientNotice.waiting(status: status))
        case .sent(let status): ("reconnect sent (client was \(status))", .success)
        case .gaveUp(let after, let last): ("gave up after \(after.humanReadable): \(last)", .error)
        case .postFailed(let url, let error): ("POST \(url)/reconnect failed: \(error)", .error)
        case .notAClient(let url, let answer): ("\(url) is not an alt:V client: GET /status answered \(answer)", .error)
        }
    }

    static func words(for notice: ClientNotice) -> (String, Console.Level) {
        switch notice {
        case .unreachable(let url, let error, let every, let limit, let quiet):
            ("game client at \(url) \(error); retrying every \(every.humanReadable) for up to \(limit.humanReadable)", quiet ? .debug : .warning)
        case .hint: (ClientReconnector.clientHint, .info)
        case .waiting(let status): ("game client is \(status); waiting for MAIN_MENU or IN_GAME", .info)
        case .sendingReconnect(let status): ("game client is \(status): sending POST /reconnect", .debug)
        }
    }
}
