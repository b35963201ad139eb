#ifndef PINHOLE_CNFTNL_SHIM_H
#define PINHOLE_CNFTNL_SHIM_H
// libnftnl + libmnl: nftables objects as netlink messages, and the netlink
// socket they go over. pinholed adds set elements (pins) this way, keyed by
// numeric cgroup id, without nft's text parser.
#include <stdint.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>

// <linux/netfilter.h> would pull in <linux/in.h>, whose in_addr clashes
// with Glibc's module: its one constant needed here is restated.
static const uint16_t pinhole_nfproto_inet = 1;   // NFPROTO_INET
// Socket options restated as constants (SOL_NETLINK and the NETLINK_*
// options are macros Swift does not import reliably).
static const int pinhole_sol_netlink = 270;       // SOL_NETLINK
static const int pinhole_netlink_cap_ack = 10;    // NETLINK_CAP_ACK: acks without the request echoed
static const int pinhole_netlink_ext_ack = 11;    // NETLINK_EXT_ACK: error messages in acks
// NFT_MSG_DESTROYSETELEM (kernel 6.3): delete, no error when absent; newer than these headers.
static const uint16_t pinhole_nft_msg_destroysetelem = 30;
#endif
