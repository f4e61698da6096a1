/// The one way to wait for something that must finish even when the waiting task is cancelled
/// (a server stop, the watcher catching up after a stage): it runs in a task of its own.
public enum Uncancelled {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        await Task.detached(operation: body).value
    }
}
