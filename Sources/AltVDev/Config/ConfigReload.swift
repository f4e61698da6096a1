import FoundationEssentials

/// What a saved `altv-dev.toml` means for the running loop.
public enum ConfigReload: Equatable, Sendable {
    /// Gone or empty (an editor mid-save, say): the last good config stays. The message says so.
    case keep(String)
    case rejected([ConfigError])
    case unchanged
    case changed(Config, [String])

    /// Reads `current.file` again and compares it with `current`.
    public static func read(current: Config, environment: [String: String]) -> ConfigReload {
        let file = current.file
        let read: Data?
        do {
            read = try ConfigLoader.read(file)
        } catch {
            return .rejected(error.all)
        }
        guard let data = read else {
            return .keep("\(file) is gone; keeping the last good config until it is back")
        }
        if ConfigLoader.isBlank(String(decoding: data, as: UTF8.self)) { return .keep("\(file) is empty; keeping the last good config") }
        let new: Config
        do {
            new = try ConfigLoader.load(data: data, file: file, environment: environment)
        } catch {
            return .rejected(error.all)
        }
        let changes = ConfigPrinter.differences(from: current, to: new)
        return changes.isEmpty ? .unchanged : .changed(new, changes)
    }
}

/// What applying a changed config takes, beside the next plan (stages and reconnect settings
/// apply from there on: each plan carries its own).
public struct ConfigConsequences: Equatable, Sendable {
    /// `[watch]` changed: the watcher re-arms with the new roots and rules.
    public var rearmWatcher: Bool
    /// The services changed, or the stop rules they follow.
    public var reapplyServices: Bool
    /// `[server]` changed: the server restarts.
    public var restartServer: Bool
}

extension ConfigConsequences {
    public init(old: Config, new: Config) {
        // The watcher also follows the files the config reads.
        rearmWatcher = old.watch != new.watch || old.filesRead != new.filesRead
        reapplyServices = old.services != new.services || old.server.stopSignal != new.server.stopSignal || old.server.stopTimeout != new.server.stopTimeout
        restartServer = old.server != new.server
    }
}
