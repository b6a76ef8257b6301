/* Ethernet/IPv4/UDP packet building with correct checksums. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dpn_app.h"

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

uint16_t dpn_ip_csum(const void *hdr, size_t len)
{
	return fold(sum16(hdr, len, 0));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t udp_csum(const uint8_t *ip, const uint8_t *udp, size_t udp_len)
{
	uint32_t sum = sum16(ip + 12, 8, 0); /* source and destination */
	sum += 17 + udp_len;                 /* protocol, UDP length */
	sum = sum16(udp, udp_len, sum);
	uint16_t c = fold(sum);
	return c ? c : 0xffff;
}

int dpn_pkt_build(uint8_t *buf, size_t len, const struct dpn_pkt_tmpl *t, uint32_t flow)
{
	uint8_t *ip = buf + 14, *udp = buf + 34;
	size_t size = t->size < 60 ? 60 : t->size;

	if (len < size || size > 9000)
		return -EINVAL;
	memset(buf, 0, size);
	memcpy(buf, t->dst_mac, 6);
	memcpy(buf + 6, t->src_mac, 6);
	put16(buf + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, size - 14);
	ip[6] = 0x40; /* don't fragment */
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, (t->src_ip & ~0xffu) | ((t->src_ip + flow) & 0xff));
	put32(ip + 16, t->dst_ip);
	put16(ip + 10, dpn_ip_csum(ip, 20));
	put16(udp, (uint16_t)(t->src_port + flow));
	put16(udp + 2, t->dst_port);
	put16(udp + 4, size - 34);
	for (size_t i = DPN_PKT_HDR_LEN; i < size; i++)
		buf[i] = (uint8_t)i;
	put16(udp + 6, udp_csum(ip, udp, size - 34));
	return (int)size;
}

/* 16-bit one's complement sum, not complemented */
static uint16_t ocsum(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

void dpn_pkt_stamp(uint8_t *buf, uint64_t tsc)
{
	uint8_t *udp = buf + 34, *p = buf + DPN_PKT_TS_OFF;
	uint16_t old = ocsum(sum16(p, 12, 0)), hc = (udp[6] << 8) | udp[7];

	put32(p, DPN_PKT_TS_MAGIC);
	put32(p + 4, tsc >> 32);
	put32(p + 8, tsc & 0xffffffff);
	/* RFC 1624 incremental update: HC' = ~(~HC + ~m + m') */
	uint16_t c = ~ocsum((uint16_t)~hc + (uint16_t)~old + ocsum(sum16(p, 12, 0))) & 0xffff;
	put16(udp + 6, c ? c : 0xffff);
}

bool dpn_pkt_stamp_get(const uint8_t *buf, size_t len, uint64_t *tsc)
{
	const uint8_t *p = buf + DPN_PKT_TS_OFF;
	if (len < DPN_PKT_TS_OFF + 12 || buf[23] != 17)
		return false;
	uint32_t magic = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
	if (magic != DPN_PKT_TS_MAGIC)
		return false;
	*tsc = 0;
	for (int i = 4; i < 12; i++)
		*tsc = *tsc << 8 | p[i];
	return true;
}
