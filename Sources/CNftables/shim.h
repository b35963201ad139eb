#ifndef PINHOLE_CNFTABLES_SHIM_H
#define PINHOLE_CNFTABLES_SHIM_H
// libnftables: nft's command language (text in, text or JSON out) over one
// netlink socket, opened in the network namespace of the thread that calls
// nft_ctx_new.
#include <nftables/libnftables.h>
#endif
