import Testing

@testable import AltVDev

@Suite("did you mean")
struct CommandSuggestionTests {
    let names = ["watch", "check", "init", "reconnect", "status", "sim"]

    @Test("a subcommand one or two edits away is suggested, the closest first; options, names and far words are not", arguments: [
        ("chekc", "check"), ("wacth", "watch"), ("stauts", "status"), ("recconect", "reconnect"), ("ini", "init"),
    ])
    func suggested(_ typed: String, _ meant: String) {
        #expect(CommandSuggestion.didYouMean(typed, among: names) == "did you mean `altv-dev \(meant)`?")
    }

    @Test("no suggestion", arguments: ["--verbose", "check", "deploy", ""])
    func none(_ typed: String) {
        #expect(CommandSuggestion.didYouMean(typed.isEmpty ? nil : typed, among: names) == nil)
    }
}
