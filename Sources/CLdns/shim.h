#ifndef PINHOLE_CLDNS_SHIM_H
#define PINHOLE_CLDNS_SHIM_H
#include <ldns/ldns.h>
#endif
