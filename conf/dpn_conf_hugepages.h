/* dpnode config: the "hugepages" section. */
#ifndef DPN_CONF_HUGEPAGES_H
#define DPN_CONF_HUGEPAGES_H

#include "dpn_conf_base.h"

struct dpn_hugepages_conf {
	bool manage; /* false when the section is absent */
	unsigned long page_kb;
	int n_nodes;
	long mb[DPN_MAX_NUMA]; /* per NUMA node, index = node */
	char mount[DPN_PATH_MAX];
};

#endif
