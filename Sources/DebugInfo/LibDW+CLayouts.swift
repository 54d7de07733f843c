/// Byte-exact mirrors of the few elfutils 0.188 structs this module allocates itself.
///
/// Each is a plain value of the same size and alignment as the C struct; libdw fills it and
/// reads it back but keeps no pointer to it, so copying the Swift value around is safe. The
/// sizes are checked against the C layouts (from `libdw.h`, `libdwfl.h`, `gelf.h`) by the tests.
extension LibDW {
    /// `Dwarf_Die`: `void *addr; struct Dwarf_CU *cu; Dwarf_Abbrev *abbrev; long padding__;` — 32 bytes.
    struct DIE {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    }

    /// `Dwarf_Attribute`: `unsigned code, form; unsigned char *valp; struct Dwarf_CU *cu;` — 24 bytes.
    struct Attribute {
        var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
    }

    /// `Dwarf_Op`: `uint8_t atom; Dwarf_Word number, number2, offset;` — 32 bytes.
    struct Operation {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        var atom: UInt8 { UInt8(truncatingIfNeeded: storage.0) }
        var number: UInt64 { storage.1 }
    }

    /// `GElf_Sym` (`Elf64_Sym`): name, info, other, shndx, value, size — 24 bytes.
    struct Symbol {
        var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)

        var value: UInt64 { storage.1 }
        var size: UInt64 { storage.2 }
    }

    /// `Dwfl_Callbacks`: find_elf, find_debuginfo, section_address, debuginfo_path — 4 pointers.
    struct DwflCallbacks {
        var findELF: UnsafeRawPointer?
        var findDebugInfo: UnsafeRawPointer?
        var sectionAddress: UnsafeRawPointer?
        var debugInfoPath: UnsafeRawPointer?
    }

    /// `Dwfl_Thread_Callbacks`: next_thread, get_thread, memory_read, set_initial_registers,
    /// detach, thread_detach — 6 pointers.
    struct DwflThreadCallbacks {
        var nextThread: UnsafeRawPointer?
        var getThread: UnsafeRawPointer?
        var memoryRead: UnsafeRawPointer?
        var setInitialRegisters: UnsafeRawPointer?
        var detach: UnsafeRawPointer?
        var threadDetach: UnsafeRawPointer?
    }

    /// The C sizes of the mirrored structs, for the layout checks.
    static let expectedLayoutSizes: [String: Int] = [
        "Dwarf_Die": 32, "Dwarf_Attribute": 24, "Dwarf_Op": 32, "GElf_Sym": 24,
        "Dwfl_Callbacks": 32, "Dwfl_Thread_Callbacks": 48,
    ]

    /// The Swift sizes of the mirrored structs, keyed like ``expectedLayoutSizes``.
    static var mirroredLayoutSizes: [String: Int] {
        [
            "Dwarf_Die": MemoryLayout<DIE>.size, "Dwarf_Attribute": MemoryLayout<Attribute>.size,
            "Dwarf_Op": MemoryLayout<Operation>.size, "GElf_Sym": MemoryLayout<Symbol>.size,
            "Dwfl_Callbacks": MemoryLayout<DwflCallbacks>.size,
            "Dwfl_Thread_Callbacks": MemoryLayout<DwflThreadCallbacks>.size,
        ]
    }
}
