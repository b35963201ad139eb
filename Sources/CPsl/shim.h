#ifndef PINHOLE_CPSL_SHIM_H
#define PINHOLE_CPSL_SHIM_H
// libpsl: the registrable domain (eTLD+1) of a name, from the Public Suffix List.
#include <libpsl.h>
#endif
