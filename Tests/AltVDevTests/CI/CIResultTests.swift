import Testing

@testable import AltVDev

@Suite("ci's verdict, summary and JUnit XML")
struct CIResultTests {
    func healthy() -> CIResult {
        var result = CIResult()
        result.stages = [StageResult(name: "build", duration: .milliseconds(120), outcome: .succeeded)]
        result.readyAfter = .milliseconds(340)
        result.loaded = ["core", "chat"]
        return result
    }

    @Test("passed only when every stage passed, the server got ready and kept running, nothing failed to load, no error line")
    func verdict() {
        #expect(healthy().passed)
        var check = healthy()
        check.stages.append(StageResult(name: "typecheck", duration: .seconds(2), outcome: .failed(.exited(2)), gate: false))
        #expect(!check.passed)
        var exited = healthy()
        exited.exited = .exited(1)
        #expect(!exited.passed)
        var errors = healthy()
        errors.errorLines = ["[12:00:00][Error] boom"]
        #expect(!errors.passed)
        var notReady = healthy()
        notReady.readyAfter = nil
        #expect(!notReady.passed)
        var failedLoad = healthy()
        failedLoad.failed = [FailedResource(name: "chat", lines: ["Error: x"])]
        #expect(!failedLoad.passed)
    }

    @Test("the summary names each stage with its time, the server, the resources; the last line is the verdict")
    func summary() {
        #expect(healthy().summary == [
            "stages:", "  ✓ build 120ms", "server: ✓ ready in 340ms", "resources: 2 loaded (core, chat), 0 failed", "✓ ci passed",
        ])
    }

    @Test("JUnit: a case per stage and resource and the start; failures carry the lines; XML's entities and forbidden characters handled")
    func junit() {
        var result = healthy()
        result.failed = [FailedResource(name: "a&b", lines: ["<boom> \"quoted\" \u{1B}[31m"])]
        let xml = result.junit
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"altv-dev ci\" tests=\"5\" failures=\"1\">"))
        #expect(xml.contains("<testcase classname=\"stages\" name=\"build\" time=\"0.120\"/>"))
        #expect(xml.contains("<testcase classname=\"resources\" name=\"a&amp;b\">\n      <failure message=\"a&amp;b failed to load\">&lt;boom&gt; &quot;quoted&quot; [31m</failure>"))
        #expect(xml.contains("<testcase classname=\"server\" name=\"start\" time=\"0.340\"/>"))
        #expect(CIResult.seconds(.milliseconds(5)) == "0.005" && CIResult.seconds(.seconds(62)) == "62.000")
    }
}
