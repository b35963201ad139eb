#ifndef PINHOLE_CIDN2_SHIM_H
#define PINHOLE_CIDN2_SHIM_H
// libidn2: IDNA2008 (UTS #46) conversion of UTF-8 names to A-labels, for io.systemd.Resolve.
#include <idn2.h>
#endif
