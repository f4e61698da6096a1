/// What one `altv-dev ci` run found, and its two renderings: the summary for the log and the
/// JUnit XML CI systems show as tests. Pure: tested without a process.
public struct CIResult: Equatable, Sendable {
    /// Every stage that ran, gating ones and checks, in the order they ended.
    public var stages: [StageResult] = []
    /// Why the start did not work, when it did not (the cycle's reason).
    public var startFailure: String?
    public var readyAfter: Duration?
    /// The server exited by itself while it was watched.
    public var exited: ExitStatus?
    public var loaded: [String] = []
    public var failed: [FailedResource] = []
    /// The server's lines `--fail-on` matched.
    public var errorLines: [String] = []
    public var watchedFor: Duration = .zero

    public init() {}

    public var passed: Bool {
        stages.allSatisfy { $0.outcome == .succeeded } && startFailure == nil && readyAfter != nil && exited == nil && failed.isEmpty
            && errorLines.isEmpty
    }

    /// One summary, after everything stopped: stages with times, resources, server errors, the verdict.
    public var summary: [String] {
        var lines = ["stages:"]
        for stage in stages {
            let mark = stage.outcome == .succeeded ? "✓" : "✗"
            lines.append("  \(mark) \(stage.outcome == .succeeded ? "\(stage.name) \(stage.duration.humanReadable)" : stage.summary)\(stage.gate ? "" : " (check)")")
        }
        if stages.isEmpty { lines.append("  (none)") }
        lines.append("server: " + serverWords)
        lines.append("resources: \(loaded.count) loaded" + (loaded.isEmpty ? "" : " (\(loaded.joined(separator: ", ")))") + ", \(failed.count) failed")
        for resource in failed {
            lines.append("  ✗ \(resource.name) \(resource.kind.rawValue)")
            lines += resource.lines.prefix(10).map { "    │ " + $0 }
        }
        if !errorLines.isEmpty {
            lines.append("server errors: \(errorLines.count)")
            lines += errorLines.prefix(20).map { "  │ " + $0 }
        }
        lines.append(passed ? "✓ ci passed" : "✗ ci failed")
        return lines
    }

    var serverWords: String {
        if let startFailure { return "✗ \(startFailure)" }
        guard let readyAfter else { return "✗ not ready" }
        let watched = watchedFor > .zero ? ", watched \(watchedFor.humanReadable)" : ""
        if let exited { return "✗ ready in \(readyAfter.humanReadable), then \(exited)\(watched)" }
        return "✓ ready in \(readyAfter.humanReadable)\(watched)"
    }

    /// JUnit XML: a test case per stage and per resource, and one for the server's start.
    public var junit: String {
        let stageCases: [String] = stages.map { stage in
            Self.testCase("stages", stage.name, time: stage.duration, failure: stage.outcome == .succeeded ? nil : (stage.summary, stage.lastLines))
        }
        var resourceCases: [String] = loaded.map { Self.testCase("resources", $0, time: nil, failure: nil) }
        for resource in failed {
            resourceCases.append(Self.testCase("resources", resource.name, time: nil, failure: ("\(resource.name) \(resource.kind.rawValue)", resource.lines)))
        }
        let serverCase = Self.testCase("server", "start", time: readyAfter, failure: serverFailure)
        let suites = [("stages", stageCases), ("resources", resourceCases), ("server", [serverCase])].map { name, cases in
            let failures = cases.filter { $0.contains("<failure") }.count
            return "  <testsuite name=\"\(name)\" tests=\"\(cases.count)\" failures=\"\(failures)\">\n" + cases.joined() + "  </testsuite>\n"
        }
        let all = stageCases.count + resourceCases.count + 1
        let failures = stageCases.filter { $0.contains("<failure") }.count + failed.count + (serverFailure == nil ? 0 : 1)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"altv-dev ci\" tests=\"\(all)\" failures=\"\(failures)\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    /// Why the server's start is a failed test case, if it is.
    var serverFailure: (message: String, lines: [String])? {
        if let startFailure { return (startFailure, []) }
        if readyAfter == nil { return ("not ready", []) }
        if let exited { return ("\(exited)", []) }
        if !errorLines.isEmpty { return ("\(errorLines.count) error line\(errorLines.count == 1 ? "" : "s")", errorLines) }
        return nil
    }

    static func testCase(_ suite: String, _ name: String, time: Duration?, failure: (message: String, lines: [String])?) -> String {
        let seconds = time.map { " time=\"\(Self.seconds($0))\"" } ?? ""
        let open = "    <testcase classname=\"\(suite)\" name=\"\(xml(name))\"\(seconds)"
        guard let failure else { return open + "/>\n" }
        return open + ">\n      <failure message=\"\(xml(failure.message))\">" + xml(failure.lines.joined(separator: "\n")) + "</failure>\n    </testcase>\n"
    }

    /// `1.234`: seconds with milliseconds, as JUnit's `time` wants them.
    static func seconds(_ duration: Duration) -> String {
        let ms = max(0, duration.milliseconds)
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Text as XML 1.0 takes it: the five entities, and the control characters it forbids dropped.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) || (0xD800...0xDFFF).contains(scalar.value): continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
