/// The resolved config as TOML text and as key/value pairs, secrets masked.
public enum ConfigPrinter {
    /// Every key with its effective value, in file order: `("watch.debounce", "\"100ms\"")`.
    public static func entries(_ config: Config) -> [(key: String, value: String)] {
        let server = config.server
        let watch = config.watch
        let reconnect = config.reconnect
        var entries: [(String, String)] = []
        entries.append(("server.command", command(server.command)))
        entries.append(("server.cwd", quote(server.cwd)))
        entries.append(("server.env", table(server.env)))
        entries.append(("server.ready", quote(server.ready)))
        entries.append(("server.ready_timeout", duration(server.readyTimeout)))
        entries.append(("server.stop_signal", quote(server.stopSignal.name)))
        entries.append(("server.stop_timeout", duration(server.stopTimeout)))
        entries.append(("server.on_crash", quote(server.onCrash.rawValue)))
        entries.append(("server.port", String(server.port)))
        entries.append(("server.on_change", quote(server.onChange.rawValue)))
        entries.append(("server.platform", quote(server.platform.rawValue)))
        entries.append(("server.resources_dir", quote(server.resourcesDir)))
        entries.append(("server.output", quote(server.output.rawValue)))
        // Its names only: a .env holds secrets.
        if let file = server.envFile { entries.append(("server.env_file", quote(file.path) + "  # sets " + (file.keys.isEmpty ? "nothing" : file.keys.joined(separator: ", ")))) }
        entries.append(("watch.paths", array(watch.paths)))
        entries.append(("watch.ignore", array(watch.ignore)))
        entries.append(("watch.debounce", duration(watch.debounce)))
        entries.append(("watch.on_busy", quote(watch.onBusy.rawValue)))
        entries.append(("watch.backend", quote(watch.backend.rawValue)))
        entries.append(("watch.poll_interval", duration(watch.pollInterval)))
        entries.append(("watch.gitignore", watch.gitignore ? "true" : "false"))
        entries.append(("reconnect.enabled", reconnect.enabled ? "true" : "false"))
        entries.append(("reconnect.url", quote(reconnect.url)))
        entries.append(("reconnect.password", reconnect.password.map { quote($0.description) } ?? "(none)"))
        entries.append(("reconnect.password_env", quote(reconnect.passwordEnv)))
        entries.append(("reconnect.retry_interval", duration(reconnect.retryInterval)))
        entries.append(("reconnect.timeout", duration(reconnect.timeout)))
        entries.append(("reconnect.allow_remote", reconnect.allowRemote ? "true" : "false"))
        if let spec = reconnect.command { entries.append(("reconnect.command", ConfigPrinter.command(spec))) }
        entries.append(("notify.on", array(config.notify.on.map(\.rawValue))))
        return entries + stageAndServiceEntries(config)
    }

    /// `stage.0.name`, `service.0.command`, …: each element of [[stage]] and [[service]].
    private static func stageAndServiceEntries(_ config: Config) -> [(key: String, value: String)] {
        var entries: [(String, String)] = []
        for (index, stage) in config.stages.enumerated() {
            let key = "stage.\(index)."
            entries.append((key + "name", quote(stage.name)))
            entries.append((key + "command", command(stage.command)))
            entries.append((key + "cwd", quote(stage.cwd)))
            entries.append((key + "env", table(stage.env)))
            if let when = stage.when { entries.append((key + "when", array(when))) }
            // Left out when not given: `outputs = []` written out means "writes nothing".
            if !stage.outputs.isEmpty || stage.writesNothing { entries.append((key + "outputs", array(stage.outputs))) }
            entries.append((key + "timeout", duration(stage.timeout)))
            entries.append((key + "parallel", stage.parallel ? "true" : "false"))
            entries.append((key + "output", quote(stage.output.rawValue)))
            entries.append((key + "gate", stage.gate ? "true" : "false"))
            entries.append((key + "stop_first", stage.stopsFirst ? "true" : "false"))
        }
        for (index, service) in config.services.enumerated() {
            let key = "service.\(index)."
            entries.append((key + "name", quote(service.name)))
            entries.append((key + "command", command(service.command)))
            entries.append((key + "cwd", quote(service.cwd)))
            entries.append((key + "env", table(service.env)))
            if let ready = service.ready { entries.append((key + "ready", quote(ready))) }
            entries.append((key + "ready_timeout", duration(service.readyTimeout)))
            entries.append((key + "output", quote(service.output.rawValue)))
        }
        return entries
    }

    /// The resolved file, as `check` prints it.
    public static func toml(_ config: Config) -> String {
        var output = ""
        var table = ""
        for (key, value) in entries(config) {
            var parts = key.split(separator: ".", maxSplits: 1)
            // `stage.0.name`: an element of [[stage]].
            let element = parts[1].split(separator: ".", maxSplits: 1)
            let isArrayTable = element.count == 2 && Int(element[0]) != nil
            let section = isArrayTable ? "\(parts[0]).\(element[0])" : String(parts[0])
            if section != table {
                table = section
                output += (output.isEmpty ? "" : "\n") + (isArrayTable ? "[[\(parts[0])]]\n" : "[\(table)]\n")
            }
            if isArrayTable { parts[1] = element[1] }
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
        let (oldValues, newValues) = (old.server.envFile?.values ?? [:], new.server.envFile?.values ?? [:])
        let changedValues = Set(oldValues.keys).intersection(newValues.keys).filter { oldValues[$0] != newValues[$0] }.sorted()
        if !changedValues.isEmpty { lines.append("server.env_file: \(changedValues.joined(separator: ", ")) changed") }
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

    static func command(_ command: CommandSpec) -> String {
        switch command {
        case .shell(let line): quote(line)
        case .arguments(let arguments): array(arguments)
        }
    }

    static func table(_ values: [String: String]) -> String {
        let pairs = values.sorted { $0.key < $1.key }.map { "\($0.key) = \(quote($0.value))" }
        return pairs.isEmpty ? "{}" : "{ " + pairs.joined(separator: ", ") + " }"
    }

    static func array(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }
    static func duration(_ value: Duration) -> String { quote(DurationParser.format(value)) }
}
