import CProcessSpawn

extension UnsafeRawBufferPointer {
    /// Whether `needle` occurs anywhere in these bytes (memmem: one pass at C speed).
    func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count, let base = baseAddress else { return false }
        return needle.withUnsafeBytes { altv_contains(base, count, $0.baseAddress, needle.count) != 0 }
    }

    /// The same, found by memchr on the needle's first byte: for a needle whose first byte is rare in the text.
    func contains(rareFirst needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count, let base = baseAddress else { return false }
        return needle.withUnsafeBytes { altv_contains_rare_first(base, count, $0.baseAddress, needle.count) != 0 }
    }
}
