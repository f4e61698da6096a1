import CProcessSpawn

extension UnsafeRawBufferPointer {
    /// Whether `needle` occurs anywhere in these bytes (memmem: one pass at C speed).
    func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count, let base = baseAddress else { return false }
        return needle.withUnsafeBytes { altv_contains(base, count, $0.baseAddress, needle.count) != 0 }
    }
}
