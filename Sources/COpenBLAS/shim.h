// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev). pkg-config
// "openblas" supplies the include and library directories.
#include <cblas.h>
