import Glibc

/// A message for standard error, written at once (the command-line tools' errors).
public enum StandardError {
    public static func write(_ text: String) {
        FileDescriptorWriter.writeAll(STDERR_FILENO, Array(text.utf8))
    }
}
