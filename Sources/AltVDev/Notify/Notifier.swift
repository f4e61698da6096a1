import Glibc
import Synchronization

/// Rings the terminal bell and runs `notify-send` for the verdicts `[notify] on` names: the
/// desktop only where a session is (`DISPLAY`/`WAYLAND_DISPLAY`) and the program is found.
public final class Notifier: Sendable {
    private let console: Console
    private let environment: [String: String]
    private let project: String
    /// `[notify]`, and the variables that hold a password (notify-send gets none, as no child does).
    private let settings: Mutex<(notify: NotifySettings, hidden: [String])>
    /// `notify-send`, where this session has a desktop and the program is on PATH.
    private let desktop: String?
    /// A hung notification daemon does not keep notify-send for longer than this.
    static let desktopTimeout = Duration.seconds(5)

    public init(console: Console, config: Config, environment: [String: String]) {
        self.console = console
        self.environment = environment
        self.project = FilePath.name(config.directory)
        self.settings = Mutex((config.notify, config.reconnect.secretVariables))
        desktop = Self.desktopProgram(environment: environment, directory: config.directory)
    }

    /// `notify-send`'s path where a desktop session is (`DISPLAY` or `WAYLAND_DISPLAY` set) and it is on PATH.
    static func desktopProgram(environment: [String: String], directory: String) -> String? {
        let session = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { !($0 ?? "").isEmpty }
        return session ? ConfigAdvisor.locate("notify-send", cwd: directory, environment: environment) : nil
    }

    /// A reloaded config's `[notify]` and password variables, from the next verdict on.
    public func apply(_ config: Config) { settings.withLock { $0 = (config.notify, config.reconnect.secretVariables) } }

    public func tell(_ event: LoopEvent) {
        let (notify, hidden) = settings.withLock { $0 }
        guard let alert = VerdictAlert.alert(for: event, settings: notify, project: project) else { return }
        console.ringBell()
        guard let desktop else { return }
        // What others printed is masked on the terminal; the same is done to what goes to the desktop.
        let body = console.currentRedactor.redact(alert.body)
        var options = ChildProcess.Options(
            argv: [desktop, "--app-name=altv-dev", "--urgency=\(alert.failed ? "critical" : "normal")", alert.title, body],
            environment: CompanionProcess.environment(base: environment, hiding: hidden, adding: [:]))
        options.keepStdinOpen = false
        guard let child = try? ChildProcess(options) else { return }
        Task.detached {
            if await child.exit.wait(timeout: Self.desktopTimeout) == nil {
                _ = ProcessGroup.signal(child.processGroup, SIGKILL)
                _ = await child.exit.wait()
            }
            close(child.outputDescriptor)
        }
    }
}
