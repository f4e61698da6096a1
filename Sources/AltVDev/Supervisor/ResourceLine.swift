/// What a line of the server's output says about its resources, in the loop's words: each
/// platform reads its own server's lines into these (`ServerPlatform.resourceFacts`).
public enum ResourceLine: Equatable, Sendable {
    case loading(String)
    case loaded(String)
    case failed(String)
    case stopping(String)
    case stopped(String)
    /// `restart` or `stop` of a resource that is not loaded (also after it failed to load).
    case notLoaded(String)
    /// `start` of a resource that is loaded.
    case alreadyLoaded
    /// The console could not take the command (`restart a b`, a bare `restart`); the text after `Usage: `.
    case usage(String)
    /// Something went wrong loading the resource, though its load may still end in `loaded`
    /// (FXServer starts a resource whose script does not parse): the line, as printed.
    case loadError(String, message: String)
}
