#ifndef PINHOLE_CSYSTEMD_SHIM_H
#define PINHOLE_CSYSTEMD_SHIM_H
// The unit, user unit and slice of a process (sd-login).
#include <systemd/sd-login.h>
#endif
