/// The DWARF 5 constants (tags, attributes, forms, encodings, operations) this module reads,
/// with the values of the DWARF 5 standard, section 7.
enum DW {
    enum Tag {
        static let arrayType: UInt32 = 0x01
        static let classType: UInt32 = 0x02
        static let enumerationType: UInt32 = 0x04
        static let formalParameter: UInt32 = 0x05
        static let member: UInt32 = 0x0d
        static let pointerType: UInt32 = 0x0f
        static let compileUnit: UInt32 = 0x11
        static let structureType: UInt32 = 0x13
        static let subroutineType: UInt32 = 0x15
        static let typedef: UInt32 = 0x16
        static let unionType: UInt32 = 0x17
        static let unspecifiedParameters: UInt32 = 0x18
        static let inlinedSubroutine: UInt32 = 0x1d
        static let subrangeType: UInt32 = 0x21
        static let baseType: UInt32 = 0x24
        static let constType: UInt32 = 0x26
        static let enumerator: UInt32 = 0x28
        static let subprogram: UInt32 = 0x2e
        static let variable: UInt32 = 0x34
        static let volatileType: UInt32 = 0x35
        static let restrictType: UInt32 = 0x37
        static let unspecifiedType: UInt32 = 0x3b
        static let atomicType: UInt32 = 0x47
    }

    enum Attribute {
        static let location: UInt32 = 0x02
        static let name: UInt32 = 0x03
        static let byteSize: UInt32 = 0x0b
        static let bitOffset: UInt32 = 0x0c
        static let bitSize: UInt32 = 0x0d
        static let lowPC: UInt32 = 0x11
        static let highPC: UInt32 = 0x12
        static let constValue: UInt32 = 0x1c
        static let inline: UInt32 = 0x20
        static let prototyped: UInt32 = 0x27
        static let lowerBound: UInt32 = 0x22
        static let upperBound: UInt32 = 0x2f
        static let abstractOrigin: UInt32 = 0x31
        static let count: UInt32 = 0x37
        static let dataMemberLocation: UInt32 = 0x38
        static let declaration: UInt32 = 0x3c
        static let encoding: UInt32 = 0x3e
        static let external: UInt32 = 0x3f
        static let specification: UInt32 = 0x47
        static let type: UInt32 = 0x49
        static let ranges: UInt32 = 0x55
        static let dataBitOffset: UInt32 = 0x6b
    }

    enum Form {
        static let block2: UInt32 = 0x03
        static let block4: UInt32 = 0x04
        static let data2: UInt32 = 0x05
        static let data4: UInt32 = 0x06
        static let data8: UInt32 = 0x07
        static let block: UInt32 = 0x09
        static let block1: UInt32 = 0x0a
        static let data1: UInt32 = 0x0b
        static let sdata: UInt32 = 0x0d
        static let exprloc: UInt32 = 0x18
        static let implicitConst: UInt32 = 0x21

        static let blockForms: Set<UInt32> = [block, block1, block2, block4, exprloc]
    }

    enum Encoding {
        static let boolean: UInt32 = 0x02
        static let float: UInt32 = 0x04
        static let signed: UInt32 = 0x05
        static let signedChar: UInt32 = 0x06
        static let unsigned: UInt32 = 0x07
        static let unsignedChar: UInt32 = 0x08
        static let utf: UInt32 = 0x10
    }

    enum Operation {
        static let addr: UInt8 = 0x03
        static let constu: UInt8 = 0x10
        static let plusUconst: UInt8 = 0x23
        static let addrx: UInt8 = 0xa1
        static let gnuAddrIndex: UInt8 = 0xfb
    }
}
