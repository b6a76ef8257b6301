/* Port_Binding.mac entries as kube-ovn-controller writes them ("MAC IP..."). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpn_ovn.h"
#include "dpn_util.h"

static bool ip_ok(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int dpn_ovn_parse_addresses(
        const char *lport, const char *entry, struct dpn_ovn_port *p, struct dpn_err *err)
{
	char buf[512], *save = NULL, *t;

	memset(p, 0, sizeof(*p));
	if (dpn_snprintf(buf, sizeof(buf), "%s", entry) < 0)
		return dpn_err_set(err, -EINVAL, "logical port %s: addresses too long", lport);
	t = strtok_r(buf, " ", &save);
	if (!t || !dpn_mac_valid_unicast(t))
		return dpn_err_set(err, -EINVAL,
		        "logical port %s: Port_Binding mac \"%s\" does not start with a unicast "
		        "MAC (expected \"MAC IP [IP...]\")",
		        lport, entry);
	snprintf(p->mac, sizeof(p->mac), "%s", t);
	for (char *c = p->mac; *c; c++)
		*c = *c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c;
	while ((t = strtok_r(NULL, " ", &save))) {
		if (!ip_ok(t))
			return dpn_err_set(err, -EINVAL,
			        "logical port %s: Port_Binding mac \"%s\": \"%s\" is not an IP "
			        "address",
			        lport, entry, t);
		if (p->n_ips == 4)
			return dpn_err_set(
			        err, -EINVAL, "logical port %s: more than 4 addresses", lport);
		snprintf(p->ips[p->n_ips++], sizeof(p->ips[0]), "%s", t);
	}
	return 0;
}
