import Foundation
import Testing

@testable import AltVDev

@Suite("Resource dependencies")
struct ResourceGraphTests {
    let graph = ResourceGraph(deps: ["core": [], "other": ["core"], "dependent": ["other"], "chat": [], "a": ["b"], "b": ["a"]])

    @Test("a change set restarts its roots: a resource's dependents come back with it")
    func roots() {
        #expect(graph.roots(of: ["dependent", "other"]) == ["other"])
        #expect(graph.roots(of: ["dependent", "core", "chat"]) == ["core", "chat"])
        #expect(graph.roots(of: ["dependent"]) == ["dependent"])
        #expect(graph.roots(of: ["chat", "chat"]) == ["chat"])
        // In a cycle neither is below the other: the first written stays.
        #expect(graph.roots(of: ["b", "a"]) == ["b"])
        #expect(graph.roots(of: []) == [])
    }

    @Test("dependents and dependencies are followed through others")
    func transitive() {
        #expect(graph.dependents(of: "core") == ["dependent", "other"])
        #expect(graph.dependencies(of: "dependent") == ["other", "core"])
        #expect(graph.dependents(of: "chat") == [])
    }

    @Test("cycles are found once each")
    func cycles() {
        #expect(graph.cycles() == [["a", "b", "a"]])
        #expect(ResourceGraph(deps: ["x": ["x"]]).cycles() == [["x", "x"]])
        #expect(ResourceGraph(deps: ["core": [], "other": ["core"]]).cycles().isEmpty)
    }

    @Test("read from every resource.toml; one that does not parse adds nothing")
    func read() throws {
        let root = NSTemporaryDirectory() + "graph-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, text) in [("other", "type = \"js\"\n"), ("dependent", "deps = [\"other\"]\n"), ("maps/island", "deps = [\"other\"]\n"), ("broken", "deps = [")] {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: root + "/" + name + "/resource.toml", contents: Data(text.utf8)))
        }
        #expect(ResourceGraph.read(resourcesDir: root) == ResourceGraph(deps: ["other": [], "dependent": ["other"], "maps/island": ["other"]]))
    }
}
