import Testing

@testable import AltVDev

@Suite("Durations")
struct DurationParserTests {
    @Test(
        "valid spellings",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("2.5s", .milliseconds(2500)), ("1m", .seconds(60)),
            ("1m30s", .seconds(90)), ("2h", .seconds(7200)), ("0s", .zero), (" 10s ", .seconds(10)),
        ])
    func valid(_ text: String, _ expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test("invalid spellings", arguments: ["", "10", "s", "10 parsecs", "1.2.3s", "-1s", "5d", "ms10", "1.5e999ms", "99999999999999999999h", "9000h9000h"])
    func invalid(_ text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test("human readable output")
    func readable() {
        #expect(Duration.milliseconds(850).humanReadable == "850ms")
        #expect(Duration.milliseconds(1243).humanReadable == "1.24s")
        #expect(Duration.seconds(125).humanReadable == "2m05s")
        #expect(DurationParser.format(.milliseconds(2500)) == "2.5s")
        #expect(DurationParser.format(.seconds(60)) == "1m")
    }
}
