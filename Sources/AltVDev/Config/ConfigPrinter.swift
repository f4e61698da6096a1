/// The resolved config as TOML text and as key/value pairs, secrets masked.
public enum ConfigPrinter {
    /// Every key with its effective value, in file order: `("watch.debounce", "\"100ms\"")`.
    public static func entries(_ config: Config) -> [(key: String, value: String)] {
        let server = config.server
        let watch = config.watch
        let reconnect = config.reconnect
        var entries: [(String, String)] = []
        switch server.command {
        case .shell(let line): entries.append(("server.command", quote(line)))
        case .arguments(let arguments): entries.append(("server.command", array(arguments)))
        }
        entries.append(("server.cwd", quote(server.cwd)))
        let env = server.env.sorted { $0.key < $1.key }.map { "\($0.key) = \(quote($0.value))" }
        entries.append(("server.env", env.isEmpty ? "{}" : "{ " + env.joined(separator: ", ") + " }"))
        entries.append(("server.ready", quote(server.ready)))
        entries.append(("server.ready_timeout", duration(server.readyTimeout)))
        entries.append(("server.stop_signal", quote(server.stopSignal.name)))
        entries.append(("server.stop_timeout", duration(server.stopTimeout)))
        entries.append(("server.on_crash", quote(server.onCrash.rawValue)))
        entries.append(("server.port", String(server.port)))
        entries.append(("watch.paths", array(watch.paths)))
        entries.append(("watch.ignore", array(watch.ignore)))
        entries.append(("watch.debounce", duration(watch.debounce)))
        entries.append(("reconnect.enabled", reconnect.enabled ? "true" : "false"))
        entries.append(("reconnect.url", quote(reconnect.url)))
        entries.append(("reconnect.password", reconnect.password.map { quote($0.description) } ?? "(none)"))
        entries.append(("reconnect.password_env", quote(reconnect.passwordEnv)))
        entries.append(("reconnect.retry_interval", duration(reconnect.retryInterval)))
        entries.append(("reconnect.timeout", duration(reconnect.timeout)))
        entries.append(("reconnect.allow_remote", reconnect.allowRemote ? "true" : "false"))
        return entries
    }

    /// The resolved file, as `check` prints it.
    public static func toml(_ config: Config) -> String {
        var output = ""
        var table = ""
        for (key, value) in entries(config) {
            let parts = key.split(separator: ".", maxSplits: 1)
            if parts[0] != table {
                table = String(parts[0])
                output += (output.isEmpty ? "" : "\n") + "[\(table)]\n"
            }
            if key == "reconnect.password" {
                let source = config.reconnect.passwordSource.map { "  # from \($0)" } ?? "  # no password: the POST body is empty"
                output += value == "(none)" ? "# password = (none)\(source)\n" : "password = \(value)\(source)\n"
            } else {
                output += "\(parts[1]) = \(value)\n"
            }
        }
        return output
    }

    /// One line per key whose value differs: `watch.debounce: "100ms" → "50ms"`.
    public static func differences(from old: Config, to new: Config) -> [String] {
        let before = Dictionary(entries(old).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var lines: [String] = []
        for (key, value) in entries(new) where before[key] != value {
            lines.append("\(key): \(before[key] ?? "(unset)") → \(value)")
        }
        // Both masked, so the loop above cannot see a change between two passwords.
        if let before = old.reconnect.password, let after = new.reconnect.password, before != after {
            lines.append("reconnect.password: changed")
        }
        return lines
    }

    static func quote(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }

    static func array(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }
    static func duration(_ value: Duration) -> String { quote(DurationParser.format(value)) }
}
