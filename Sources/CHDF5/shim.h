// CHDF5: the HDF5 C library (Debian: libhdf5-dev, found through pkg-config
// `hdf5`, which points at /usr/include/hdf5/serial).
//
// Several HDF5 "constants" are macros that expand to function calls or
// global variables (H5T_NATIVE_DOUBLE is `(H5open(), H5T_NATIVE_DOUBLE_g)`),
// which Swift cannot import; these accessors expose them as functions.
#ifndef HEPEXC_CHDF5_SHIM_H
#define HEPEXC_CHDF5_SHIM_H

#include <hdf5.h>
#include <stdio.h>

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

/// What `chdf5_find_foreign_data` found: 0 nothing, 1 an external link,
/// 2 a dataset with external (raw file) storage, 3 a virtual dataset; `name`
/// is the object's path inside the file.
typedef struct {
    int problem;
    char name[512];
} chdf5_foreign_t;

static inline void chdf5_note_foreign(chdf5_foreign_t *found, int problem, const char *name) {
    found->problem = problem;
    snprintf(found->name, sizeof found->name, "%s", name);
}

#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t chdf5_link_info_t;
#define CHDF5_LVISIT H5Lvisit2
#else
typedef H5L_info_t chdf5_link_info_t;
#define CHDF5_LVISIT H5Lvisit
#endif

/// H5Lvisit callback: stops at the first link or dataset that would make the
/// library read another file.
static inline herr_t chdf5_visit_link(hid_t group, const char *name, const chdf5_link_info_t *info, void *data) {
    chdf5_foreign_t *found = (chdf5_foreign_t *)data;
    if (info->type == H5L_TYPE_EXTERNAL) { chdf5_note_foreign(found, 1, name); return 1; }
    if (info->type != H5L_TYPE_HARD) return 0;
    hid_t object = H5Oopen(group, name, H5P_DEFAULT);
    if (object < 0) return 0;
    if (H5Iget_type(object) == H5I_DATASET) {
        hid_t plist = H5Dget_create_plist(object);
        if (plist >= 0) {
            if (H5Pget_external_count(plist) > 0) chdf5_note_foreign(found, 2, name);
            else if (H5Pget_layout(plist) == H5D_VIRTUAL) chdf5_note_foreign(found, 3, name);
            H5Pclose(plist);
        }
    }
    H5Oclose(object);
    return found->problem != 0 ? 1 : 0;
}

/// Visits every link of `file` without following external links (H5Lvisit
/// never does) and reports the first one that points outside the file:
/// external links, external storage, virtual datasets. A model file must
/// only ever make hepexc read that file.
static inline chdf5_foreign_t chdf5_find_foreign_data(hid_t file) {
    chdf5_foreign_t found = { 0, { 0 } };
    CHDF5_LVISIT(file, H5_INDEX_NAME, H5_ITER_NATIVE, chdf5_visit_link, &found);
    return found;
}

#endif
