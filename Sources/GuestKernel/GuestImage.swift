import Foundation

public enum GuestImage {
    public static func url(named name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "elf")
    }
}
