import AltVDev
import Glibc
import Testing

extension TestProject {
    /// Stops altv-dev with SIGINT and checks it exits cleanly with nothing of the project left running.
    func stopAndExpectNothingLeft(_ watch: Launched, fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) async {
        let location = SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column)
        watch.signal(SIGINT)
        #expect(await watch.waitForExit() == .exited(0), sourceLocation: location)
        #expect(await waitForNoSurvivors() == [], sourceLocation: location)
    }
}
