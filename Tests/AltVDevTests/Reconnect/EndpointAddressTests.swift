import AltVDev
import Testing

@Suite("The client's endpoint address")
struct EndpointAddressTests {
    @Test("loopback URLs pass and are rebuilt from their parts", arguments: [
        ("http://127.0.0.1:9223", "http://127.0.0.1:9223"),
        ("http://127.0.0.1:9223/", "http://127.0.0.1:9223"),
        ("HTTP://LOCALHOST:9223", "http://localhost:9223"),
        ("http://[::1]:9223", "http://[::1]:9223"),
        ("http://127.8.9.10", "http://127.8.9.10"),
        ("http://127.0.0.1:65535", "http://127.0.0.1:65535"),
    ])
    func loopback(_ text: String, _ rebuilt: String) throws {
        #expect(try EndpointAddress(text, allowRemote: false).url == rebuilt)
    }

    @Test("anything off this machine is refused without consent, and passes with it", arguments: [
        "http://10.0.0.2:9223", "http://192.168.1.5", "http://example.com", "http://127.0.0.1.example.com",
        "http://0.0.0.0:9223", "http://127.1:9223", "http://[::ffff:10.0.0.2]:9223",
    ])
    func remote(_ text: String) throws {
        #expect(throws: EndpointAddress.Problem.self) { try EndpointAddress(text, allowRemote: false) }
        #expect(try EndpointAddress(text, allowRemote: true).url.hasPrefix("http://"))
    }

    @Test("what is not a plain http URL is refused even with consent", arguments: [
        "ftp://127.0.0.1", "127.0.0.1:9223", "http://user:pw@127.0.0.1:9223", "http://127.0.0.1:9223/?x=1", "http://",
        "http://127.0.0.1:9223#frag", "",
    ])
    func notHTTP(_ text: String) {
        #expect(throws: EndpointAddress.Problem.notHTTP(text)) { try EndpointAddress(text, allowRemote: true) }
    }

    @Test("https is refused with the fix: the client's endpoint is plain http")
    func tls() {
        #expect(throws: EndpointAddress.Problem.tls("https://127.0.0.1:9223")) { try EndpointAddress("https://127.0.0.1:9223", allowRemote: true) }
        #expect(EndpointAddress.Problem.tls("https://127.0.0.1:9223").fix == "write it with http://: \"http://127.0.0.1:9223\"")
    }

    @Test("a port that is no port is refused at validation (it crashed the first request)", arguments: [70000, 65536, 0])
    func badPort(_ port: Int) {
        #expect(throws: EndpointAddress.Problem.badPort(port)) { try EndpointAddress("http://127.0.0.1:\(port)", allowRemote: false) }
    }

    @Test("the message names the host and the fix names both ways to allow it")
    func words() {
        let problem = EndpointAddress.Problem.remote(host: "10.0.0.2")
        #expect(problem.message == "10.0.0.2 is not a loopback address: the password would travel to another machine")
        #expect(problem.fix.contains("allow_remote = true under [reconnect]") && problem.fix.contains("--allow-remote"))
    }
}
