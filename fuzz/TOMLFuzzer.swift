// libFuzzer entry for the TOML parser (built by `make fuzz`, not by `swift build`):
// any bytes must give a table or a TOMLError with a place inside the input, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    do {
        _ = try TOMLParser.parse(bytes: bytes)
    } catch {
        let position = error.position
        if position.line < 1 || position.column < 1 || position.offset < 0 || position.offset > count {
            fatalError("error placed outside the input: \(error)")
        }
    }
    return 0
}
