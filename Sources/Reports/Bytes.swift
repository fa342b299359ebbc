/// Searching UTF-8 bytes. Foundation's `range(of:)` on a Swift string measures UTF-16 offsets
/// and cost a third of a lesson's run on its large SVGs; these work on the bytes themselves.
public enum Bytes {
    /// The first index at or after `from` where `needle` starts in `haystack`.
    public static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0, to end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        guard let first = needle.first, needle.count <= end - from else { return nil }
        var i = from
        let last = end - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// The last index before `end` (and at or after `from`) where `needle` starts.
    public static func findLast(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0, before end: Int) -> Int? {
        var i = end - needle.count
        while i >= from {
            if has(needle, in: haystack, at: i) { return i }
            i -= 1
        }
        return nil
    }

    /// Whether `haystack[at...]` starts with `prefix`.
    public static func has(_ prefix: [UInt8], in haystack: [UInt8], at: Int) -> Bool {
        guard at >= 0, at + prefix.count <= haystack.count else { return false }
        for k in prefix.indices where haystack[at + k] != prefix[k] { return false }
        return true
    }
}
