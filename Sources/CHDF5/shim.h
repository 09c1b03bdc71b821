// CHDF5: the HDF5 C library (Debian: libhdf5-dev, found through pkg-config
// `hdf5`, which points at /usr/include/hdf5/serial).
//
// Several HDF5 "constants" are macros that expand to function calls or
// global variables (H5T_NATIVE_DOUBLE is `(H5open(), H5T_NATIVE_DOUBLE_g)`),
// which Swift cannot import; these accessors expose them as functions.
#ifndef HEPEXC_CHDF5_SHIM_H
#define HEPEXC_CHDF5_SHIM_H

#include <hdf5.h>

/// `H5P_DEFAULT`: the default property list.
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
/// `H5E_DEFAULT`: the default error stack.
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
/// `H5F_ACC_RDONLY`: open a file read-only.
static inline unsigned chdf5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
/// `H5T_NATIVE_FLOAT`: the C `float` memory type.
static inline hid_t chdf5_t_native_float(void) { return H5T_NATIVE_FLOAT; }
/// `H5T_NATIVE_DOUBLE`: the C `double` memory type.
static inline hid_t chdf5_t_native_double(void) { return H5T_NATIVE_DOUBLE; }
/// `H5T_C_S1`: a one-byte C string type (copy it and set its size).
static inline hid_t chdf5_t_c_s1(void) { return H5T_C_S1; }
/// `H5T_VARIABLE`: the size of a variable-length string type.
static inline size_t chdf5_t_variable(void) { return H5T_VARIABLE; }
/// `H5S_ALL`: the whole dataspace.
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }

/// Turns off HDF5's automatic printing of error stacks to stderr (the caller
/// reports errors itself). Returns a negative value on failure.
static inline herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
