import Testing

@testable import AltVDev

@Suite("Ready line matching")
struct ReadyMatcherTests {
    @Test(
        "lines in the real server's formats",
        arguments: [
            ("[18:05:06] Server started", true),
            ("[2024-01-01 18:05:06] Server started", true),
            ("\u{1B}[32m[18:05:06]\u{1B}[0m Server \u{1B}[1mstarted\u{1B}[0m", true),
            ("[18:05:06][Error] Failed to load resource core", false),
            ("[18:05:05] Starting HTTP server on 0.0.0.0:7788", false),
        ])
    func defaultPattern(_ line: String, _ expected: Bool) throws {
        #expect(try ReadyMatcher(pattern: "Server started").matches(line) == expected)
    }

    @Test("invalid UTF-8 does not stop a match")
    func invalidUTF8() throws {
        let matcher = try ReadyMatcher(pattern: "Server started")
        let bytes: [UInt8] = [0xFF, 0xFE] + Array(" Server started".utf8)
        #expect(bytes.withUnsafeBytes { matcher.matches($0) })
    }

    @Test("a literal pattern is found anywhere in the line's first 4 KiB, not beyond")
    func literalPrefix() throws {
        let matcher = try ReadyMatcher(pattern: "Server started")
        #expect(matcher.matches(String(repeating: "x", count: 4000) + "Server started"))
        #expect(!matcher.matches(String(repeating: "x", count: 5000) + "Server started"))
        #expect(!matcher.matches("Server star"))
    }

    @Test("a regex with alternatives")
    func regex() throws {
        let matcher = try ReadyMatcher(pattern: #"Loaded resource (core|chat)$"#)
        #expect(matcher.matches("[1] Loaded resource chat"))
        #expect(!matcher.matches("[1] Loaded resource chatter"))
    }
}
