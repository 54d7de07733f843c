import DebugInfo
import Foundation
import Testing

/// Functions and globals from `types.c`, with addresses checked against the ELF symbol table.
@Suite(.enabled(if: TestEnvironment.canReadFixtures, "needs libdw.so.1 and the toolchain's clang + ld.lld"))
struct FunctionAndGlobalTests {
    let elfURL: URL
    let program: DWARFProgram
    let elf: TestELFFile

    init() throws {
        elfURL = try FixturePrograms.typesDWARF5.get()
        program = try DWARFProgram(elfPath: elfURL.path)
        elf = try TestELFFile(contentsOf: elfURL)
    }

    @Test func tenParametersInOrderWithNamesAndTypes() throws {
        let function = try program.function(named: "ten_args")
        #expect(function.parameters.map(\.name) == (0..<10).map { "a\($0)" })
        #expect(function.parameters.map { program.name(of: $0.type) } == [
            "int", "long", "char", "unsigned short", "const char *", "packet_t *", "u64", "struct inner *", "int", "long",
        ])
        #expect(program.name(of: function.returnType) == "long")
        #expect(!function.isVariadic && function.isExternal)
        #expect(function.compilationUnit?.hasSuffix("types.c") == true)

        let symbol = try elf.symbol(named: "ten_args")
        #expect(function.lowPC == symbol.value)
        #expect(function.highPC - function.lowPC == symbol.size)
        #expect(function.addressRange == symbol.value..<symbol.value + symbol.size)
    }

    @Test func voidVariadicAndQualifiedSignatures() throws {
        let setCounter = try program.function(named: "set_counter")
        #expect(setCounter.returnType == .void)
        #expect(program.type(setCounter.returnType).kind == .void)
        #expect(setCounter.parameters.map { program.name(of: $0.type) } == ["volatile int *", "int"])

        let sumAll = try program.function(named: "sum_all")
        #expect(sumAll.isVariadic)
        #expect(sumAll.parameters.map(\.name) == ["count"])

        let readWord = try program.function(named: "read_word")
        let parameter = try #require(readWord.parameters.first)
        guard case .pointer(let pointee, _) = program.type(parameter.type).kind else {
            Issue.record("read_word's parameter is \(program.type(parameter.type).kind)")
            return
        }
        #expect(program.name(of: pointee) == "const_packet_t")
        #expect(program.qualifiers(of: pointee) == [.const])
        #expect(program.name(of: program.resolvingTypedefs(pointee)) == "struct packet")
    }

    @Test("an out-of-line copy of an inlined function takes its signature from DW_AT_abstract_origin")
    func abstractOriginSignature() throws {
        let scaled = try program.function(named: "scaled")
        #expect(scaled.parameters.map(\.name) == ["value", "factor"])
        #expect(scaled.parameters.map { program.name(of: $0.type) } == ["int", "int"])
        #expect(!scaled.isExternal)
        #expect(scaled.lowPC == (try elf.symbol(named: "scaled").value))
    }

    @Test func lookupByAddress() throws {
        for name in ["ten_args", "set_counter", "entry", "scaled"] {
            let symbol = try elf.symbol(named: name)
            for address in [symbol.value, symbol.value + symbol.size / 2, symbol.value + symbol.size - 1] {
                #expect(try program.function(containing: address).name == name, "0x\(String(address, radix: 16))")
            }
        }
        let entry = try program.function(named: "entry")
        #expect(throws: DebugInfoError.noFunctionAtAddress(address: 0x10, path: program.path)) {
            try program.function(containing: 0x10)
        }
        let pastTheEnd = try #require(program.functions.map(\.highPC).max())
        #expect(throws: DebugInfoError.noFunctionAtAddress(address: pastTheEnd, path: program.path)) {
            try program.function(containing: pastTheEnd)
        }
        #expect(program.functions.contains(entry))
    }

    @Test func missingFunctionNamesWhatAndWhere() throws {
        #expect(throws: DebugInfoError.functionNotFound(name: "no_such_function", path: program.path)) {
            try program.function(named: "no_such_function")
        }
        #expect(program.functions(named: "no_such_function").isEmpty)
        let message = DebugInfoError.functionNotFound(name: "no_such_function", path: program.path).description
        #expect(message.contains("no_such_function") && message.contains(program.path))
    }

    @Test func globalsHaveSymbolTableAddressesAndTypes() throws {
        for name in ["global_counter", "global_packet", "layout_table", "file_static_counter", "flex_pointer", "scaled_pointer"] {
            #expect(try program.global(named: name).address == elf.symbol(named: name).value, "\(name)")
        }
        let counter = try program.global(named: "global_counter")
        #expect(program.name(of: counter.type) == "volatile int")
        #expect(counter.isExternal)
        #expect(!(try program.global(named: "file_static_counter").isExternal))
        #expect(program.name(of: try program.global(named: "layout_table").type) == "unsigned long[19]")
        #expect(program.name(of: try program.global(named: "scaled_pointer").type) == "int (*volatile)(int, int)")
        #expect(throws: DebugInfoError.globalNotFound(name: "no_such_global", path: program.path)) {
            try program.global(named: "no_such_global")
        }
    }
}
