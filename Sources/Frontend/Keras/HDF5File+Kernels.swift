internal import CHDF5
internal import Foundation

/// The HDF5 reads that hand buffers to C. Callers hold ``HDF5File``'s lock.
extension HDF5File {
    /// Largest dataset we read (values; 512 MiB as doubles), a guard against
    /// corrupt or hostile headers — far above any model hepexc compiles.
    static let maximumElements = 1 << 26

    /// The name of link `index` of `group` (name order).
    static func linkName(_ group: hid_t, index: hsize_t) -> String? {
        let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_p_default())
        guard length > 0, length < 1 << 16 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, pointer.baseAddress, pointer.count, chdf5_p_default())
        }
        guard written == length else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Every string of a string attribute, or `[]` for an empty attribute
    /// of any type; `nil` for a non-empty non-string attribute.
    static func readStrings(_ attribute: hid_t) -> [String]? {
        let space = H5Aget_space(attribute)
        guard space >= 0 else { return nil }
        defer { H5Sclose(space) }
        let points = H5Sget_simple_extent_npoints(space)
        guard points >= 0, points < 1 << 24 else { return nil }
        let count = Int(points)
        let fileType = H5Aget_type(attribute)
        guard fileType >= 0 else { return nil }
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else { return count == 0 ? [] : nil }
        if count == 0 { return [] }
        let memoryType = H5Tcopy(chdf5_t_c_s1())
        guard memoryType >= 0 else { return nil }
        defer { H5Tclose(memoryType) }
        H5Tset_cset(memoryType, H5Tget_cset(fileType))

        if H5Tis_variable_str(fileType) > 0 {
            guard H5Tset_size(memoryType, chdf5_t_variable()) >= 0 else { return nil }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBufferPointer { buffer in
                H5Aread(attribute, memoryType, buffer.baseAddress)
            }
            defer { for pointer in pointers { if let pointer { H5free_memory(pointer) } } }
            guard status >= 0 else { return nil }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        guard size > 0, size < 1 << 26, count.multipliedReportingOverflow(by: size).partialValue < 1 << 28 else { return nil }
        // Same size and padding as stored (a NULLTERM copy of a NULLPAD
        // string would drop its last byte), so HDF5 copies bytes unchanged.
        guard H5Tset_size(memoryType, size) >= 0, H5Tset_strpad(memoryType, H5Tget_strpad(fileType)) >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { buffer in
            H5Aread(attribute, memoryType, buffer.baseAddress)
        }
        guard status >= 0 else { return nil }
        return (0..<count).map { index in
            let chunk = bytes[(index * size)..<((index + 1) * size)]
            let end = chunk.firstIndex(of: 0) ?? chunk.endIndex
            return String(decoding: chunk[chunk.startIndex..<end], as: UTF8.self)
        }
    }

    /// A float or integer dataset converted to `Double` by HDF5.
    static func readDoubles(_ dataset: hid_t, name: String) throws(FrontendError) -> (shape: [Int], values: [Double]) {
        let type = H5Dget_type(dataset)
        guard type >= 0 else { throw .invalidTensor(name: name, reason: "cannot read the dataset's type") }
        let typeClass = H5Tget_class(type)
        H5Tclose(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw .invalidTensor(name: name, reason: "the dataset is not numeric")
        }
        let space = H5Dget_space(dataset)
        guard space >= 0 else { throw .invalidTensor(name: name, reason: "cannot read the dataset's shape") }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 8 else { throw .invalidTensor(name: name, reason: "unsupported rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 {
            let status = dims.withUnsafeMutableBufferPointer { H5Sget_simple_extent_dims(space, $0.baseAddress, nil) }
            guard status == rank else { throw .invalidTensor(name: name, reason: "cannot read the dataset's shape") }
        }
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard let size = Int(exactly: dim) else { throw .invalidTensor(name: name, reason: "dimension \(dim) is too large") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumElements else {
                throw .invalidTensor(name: name, reason: "\(dims) holds too many values")
            }
            shape.append(size)
            count = product
        }
        // A declared-but-never-written dataset (a 75 KB file declaring a
        // 16384² kernel) has no storage: refused before allocating for it.
        if count > 0, H5Dget_storage_size(dataset) == 0 {
            throw .invalidTensor(name: name, reason: "\(dims) is declared but holds no data")
        }
        var values = [Double](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBufferPointer { buffer in
                H5Dread(dataset, chdf5_t_native_double(), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress)
            }
            guard status >= 0 else { throw .invalidTensor(name: name, reason: "HDF5 cannot read the values (truncated file?)") }
        }
        return (shape, values)
    }

    /// The NUL-terminated object path `chdf5_find_foreign_data` reported.
    static func objectName(_ found: chdf5_foreign_t) -> String {
        var name = found.name
        return withUnsafeBytes(of: &name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
