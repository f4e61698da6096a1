import Glibc

/// A JSON value, as much as the event stream needs; written by hand so nothing is left to a
/// formatter's mood (key order, escapes, numbers).
public indirect enum JSONValue: Equatable, Sendable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text == b.text }

    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The same value with `transform` applied to every string, except the values of `keys` (names the contract fixes).
    public func mapStrings(except keys: Set<String>, _ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let value): .string(transform(value))
        case .array(let values): .array(values.map { $0.mapStrings(except: keys, transform) })
        case .object(let members): .object(members.map { key, value in (key, keys.contains(key) ? value : value.mapStrings(except: keys, transform)) })
        case .int, .bool, .null: self
        }
    }

    func write(to out: inout String) {
        switch self {
        case .string(let value): Self.quote(value, into: &out)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// One event of `watch --events` as its JSON object; nil for events the contract does not carry.
public enum EventRecord {
    public static func json(_ event: LoopEvent, time: String, directory: String) -> JSONValue? {
        guard let (name, fields) = fields(of: event, directory: directory) else { return nil }
        var members: [(String, JSONValue)] = [("event", .string(name)), ("time", .string(time))]
        if let cycle = event.cycle { members.append(("cycle", .int(Int64(cycle)))) }
        return .object(members + fields)
    }

    static func ms(_ duration: Duration) -> JSONValue { .int(duration.milliseconds) }

    private static func fields(of event: LoopEvent, directory: String) -> (String, [(String, JSONValue)])? {
        switch event {
        case .cycleStarted(_, let trigger, _):
            let paths: [String]
            if case .changes(let changes) = trigger { paths = changes.paths.map { PathFilter.relative($0, to: directory) ?? $0 } } else { paths = [] }
            var fields: [(String, JSONValue)] = [("trigger", .string(TriggerKind(trigger).rawValue)), ("paths", .array(paths.map { .string(RawBytes.shown($0)) }))]
            // A name that is not UTF-8 is shown with \xe9 escapes in `paths`, and given whole as its bytes beside it.
            if paths.contains(where: RawBytes.holdsRawBytes) {
                fields.append(("paths_bytes", .array(paths.map { RawBytes.holdsRawBytes($0) ? .string(RawBytes.base64(RawBytes.bytes($0))) : .null })))
            }
            return ("cycle.started", fields)
        case .stageStarted(_, let stage, let gate):
            return ("stage.started", [("stage", .string(stage)), ("gate", .bool(gate))])
        case .diagnostic(_, let diagnostic):
            return ("diagnostic", diagnosticFields(diagnostic, directory: directory))
        case .watchStarted(let version, let config, let platform):
            return ("watch.started", [("version", .string(version)), ("config", .string(config)), ("platform", .string(platform))])
        case .watchStopped(let code):
            return ("watch.stopped", [("exit_code", .int(Int64(code)))])
        case .stageFinished(_, let result):
            return ("stage.finished", stageFields(result))
        case .serverStopped(_, let pid, let duration, let killed):
            return ("server.stopped", [("pid", .int(Int64(pid))), ("duration_ms", ms(duration)), ("killed", .bool(killed))])
        case .serverStarted(_, let pid):
            return ("server.started", [("pid", .int(Int64(pid)))])
        case .serverReady(_, let pid, let after):
            return ("server.ready", [("pid", .int(Int64(pid))), ("after_ms", ms(after))])
        case .resourcesStopped(_, let names, let duration):
            return ("resources.stopped", [("resources", .array(names.map(JSONValue.string))), ("duration_ms", ms(duration))])
        case .resourceFailed(_, let resource):
            return ("resource.failed", [
                ("resource", .string(resource.name)), ("reason", .string(resource.kind.rawValue)), ("lines", .array(resource.lines.map(JSONValue.string))),
            ])
        case .resourcesRestarted(_, let names, let ok, let duration, let failure, _):
            let base: [(String, JSONValue)] = [("resources", .array(names.map(JSONValue.string))), ("ok", .bool(ok)), ("duration_ms", ms(duration))]
            return ("resources.restarted", base + (failure.map { [("reason", .string("\($0)"))] } ?? []))
        case .clientReconnected(_, let was, let duration):
            return ("client.reconnected", [("was", .string(was)), ("duration_ms", ms(duration))])
        case .clientFailed(_, let reason, let refused, _):
            return ("client.failed", [("reason", .string("\(reason)")), ("refused", .bool(refused))])
        case .clientCommand(_, let report):
            return ("client.command", [("command", .string(report.command)), ("ok", .bool(report.ok)), ("duration_ms", ms(report.duration))]
                + (report.ok ? [] : [("reason", .string(report.problem))]))
        case .cycleFinished(_, let outcome, let report):
            return ("cycle.finished", cycleFields(outcome, report))
        case .serverExited(let pid, let status, let uptime, _, _):
            return ("server.exited", [("pid", .int(Int64(pid)))] + statusFields(status) + [("uptime_ms", ms(uptime))])
        case .serviceReady(let service, let pid):
            return ("service.ready", [("service", .string(service)), ("pid", .int(Int64(pid)))])
        case .serviceExited(let service, let pid, let status, let uptime, _):
            return ("service.exited", [("service", .string(service)), ("pid", .int(Int64(pid)))] + statusFields(status) + [("uptime_ms", ms(uptime))])
        case .configReloaded(let changes):
            return ("config.reloaded", [("changed", .array(keys(of: changes).map(JSONValue.string)))])
        case .configRejected(let file, let errors):
            return ("config.rejected", [("file", .string(file)), ("errors", .array(errors.map(errorObject)))])
        default:
            return nil
        }
    }

    /// Every key always there, null when the tool did not say; the file relative to the config's folder.
    static func diagnosticFields(_ diagnostic: Diagnostic, directory: String) -> [(String, JSONValue)] {
        let optional = { (text: String?) in text.map(JSONValue.string) ?? .null }
        let number = { (value: Int?) in value.map { JSONValue.int(Int64($0)) } ?? .null }
        let file = diagnostic.file.map { PathFilter.relative($0, to: directory) ?? $0 }
        return [
            ("source", .string(diagnostic.source)), ("resource", optional(diagnostic.resource)), ("file", optional(file)),
            ("line", number(diagnostic.line)), ("column", number(diagnostic.column)), ("severity", .string(diagnostic.severity.rawValue)),
            ("message", .string(diagnostic.message)), ("code", optional(diagnostic.code)),
        ]
    }

    /// The stream's first line: which version of the contract the lines that follow keep.
    public static let schemaVersion: Int64 = 1

    public static func schemaLine(time: String) -> JSONValue {
        .object([("event", .string("schema")), ("time", .string(time)), ("version", .int(schemaVersion))])
    }

    /// `status`: the exit code, or null when a signal ended it (then `signal` names it).
    static func statusFields(_ status: ExitStatus) -> [(String, JSONValue)] {
        switch status {
        case .exited(let code): [("status", .int(Int64(code)))]
        case .signaled(let signal): [("status", .null), ("signal", .string(SignalName.of(signal)))]
        }
    }

    static func stageFields(_ result: StageResult) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("stage", .string(result.name)), ("ok", .bool(result.outcome == .succeeded)), ("duration_ms", ms(result.duration)),
            ("gate", .bool(result.gate)),
        ]
        switch result.outcome {
        case .succeeded: fields.append(("exit_status", .int(0)))
        case .failed(.exited(let code)): fields.append(("exit_status", .int(Int64(code))))
        default: fields.append(("exit_status", .null))
        }
        if result.outcome != .succeeded { fields.append(("reason", .string(result.summary))) }
        return fields
    }

    static func cycleFields(_ outcome: CycleOutcome, _ report: CycleReport) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = []
        switch (outcome, report.result) {
        case (.cancelled, _): fields.append(("result", .string("cancelled")))
        case (_, .failed(let reason)): fields += [("result", .string("failed")), ("reason", .string("\(reason)"))]
        case (_, .done): fields.append(("result", .string("ok")))
        case (_, .clientNotConnected): fields += [("result", .string("ok")), ("client_connected", .bool(false))]
        }
        if outcome != .cancelled, let saveToReady = report.saveToReady { fields.append(("save_to_ready_ms", ms(saveToReady))) }
        if outcome != .cancelled, !report.failedResources.isEmpty {
            fields.append(("failed_resources", .array(report.failedResources.map(JSONValue.string))))
        }
        return fields
    }

    /// The keys of `key: before → after` lines.
    static func keys(of changes: [String]) -> [String] {
        changes.map { line in line.firstRange(of: ": ").map { String(line[..<$0.lowerBound]) } ?? line }
    }

    static func errorObject(_ error: ConfigError) -> JSONValue {
        .object([
            ("line", error.line.map { .int(Int64($0)) } ?? .null), ("column", error.column.map { .int(Int64($0)) } ?? .null),
            ("message", .string((error.key.map { "\($0): " } ?? "") + error.message)),
        ] + (error.fix.map { [("fix", .string($0))] } ?? []))
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-27T16:01:38.123Z`.
    public static func timestamp(_ time: timespec = now()) -> String {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
        let clock = "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(time.tv_nsec / 1_000_000), 3))"
        return "\(date)T\(clock)Z"
    }

    public static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }
}
