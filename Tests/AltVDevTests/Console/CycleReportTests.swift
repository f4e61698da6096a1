import Testing

@testable import AltVDev

/// What a start's cycle line says of the client when the debug endpoint's flow is not the way.
@Suite("The cycle line: how the client comes back after a start")
struct CycleReportTests {
    static func settings(_ toml: String) throws -> Plan.Settings {
        let config = try ConfigLoader.parse(source: "[server]\ncommand = [\"x\", \"+exec\", \"server.cfg\"]\n" + toml + "[watch]\npaths = [\"r\"]\n", file: "/p/altv-dev.toml")
        return Plan.Settings(directory: config.directory, stages: [], server: config.server, reconnect: config.reconnect)
    }

    @Test("alt:V says nothing; a command is named; FiveM without one says there is none, and why")
    func reconnectNote() throws {
        #expect(PlanExecutor.reconnectNote(try Self.settings("")) == nil)
        let command = "[reconnect]\ncommand = \"cmd.exe /c start fivem://connect/127.0.0.1:30120\"\n"
        #expect(PlanExecutor.reconnectNote(try Self.settings(command)) == "reconnect by cmd.exe /c start fivem://connect/127.0.0.1:30120")
        #expect(PlanExecutor.reconnectNote(try Self.settings("platform = \"fivem\"\n")) == "no reconnect ([reconnect] command is not set)")
        let off = "platform = \"fivem\"\n" + command + "enabled = false\n"
        #expect(PlanExecutor.reconnectNote(try Self.settings(off)) == "no reconnect ([reconnect] enabled = false)")
        var report = CycleReport(number: 1, trigger: "start")
        report.startToReady = .milliseconds(212)
        report.reconnect = "reconnect by x"
        #expect(report.line == "✓ #1 start · start→ready 212ms · reconnect by x")
    }
}
