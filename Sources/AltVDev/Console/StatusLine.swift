import Dispatch
import Glibc
import Synchronization

/// The live status line at the bottom of the terminal: the loop's phase while a cycle runs (with
/// a timer, redrawn every 100 ms), the last result while idle (not redrawn: idle costs nothing).
public final class StatusLine: Sendable {
    private let console: Console
    private let state: Mutex<(model: StatusModel, width: Int)>
    private let ticker = Mutex<(any DispatchSourceTimer)?>(nil)

    public init(console: Console, width: Int) {
        self.console = console
        state = Mutex((StatusModel(), width))
    }

    /// Only on a terminal, and not with `NO_COLOR`, `TERM=dumb` or `--no-status`.
    public static func isWanted(descriptor: Int32 = STDOUT_FILENO, environment: [String: String], disabled: Bool) -> Bool {
        !disabled && Console.takesEscapes(descriptor, environment: environment)
    }

    /// The terminal's width in columns (80 when it does not say).
    public static func width(of descriptor: Int32 = STDOUT_FILENO) -> Int {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    public func apply(_ event: LoopEvent) {
        let (busy, changed) = state.withLock { state in
            let before = state.model
            state.model.apply(event, at: .now)
            return (state.model.isBusy, state.model != before)
        }
        guard changed else { return }
        redraw()
        busy ? startTicking() : stopTicking()
    }

    /// SIGWINCH: the line is cut to the new width at once.
    public func resized(to width: Int) {
        state.withLock { $0.width = width }
        redraw()
    }

    public func redraw() {
        let text = state.withLock { $0.model.text(at: .now, width: $0.width) }
        console.showStatus(text)
    }

    /// The line being typed, under the status line; its start gives way to its end when it is wider.
    public func showInput(_ text: String) {
        let width = state.withLock { $0.width }
        let room = max(1, width - 3)
        console.showInput(text.count <= room ? text : "…" + String(text.suffix(room - 1)))
    }

    /// At exit: the line goes, so the shell's prompt starts clean.
    public func finish() {
        stopTicking()
        console.endStatus()
    }

    private func startTicking() {
        ticker.withLock { ticker in
            guard ticker == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
            ticker = timer
        }
    }

    private func stopTicking() {
        ticker.withLock { ticker in
            ticker?.cancel()
            ticker = nil
        }
    }
}
