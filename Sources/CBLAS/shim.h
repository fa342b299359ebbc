// The BLAS interface rnnlab uses; the include path comes from pkg-config (openblas.pc).
#include <cblas.h>
