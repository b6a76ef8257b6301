/* dpnode: `dpnodectl doctor`: checks that say why a node is not ready for a
 * DPDK datapath, each with what it saw and the fix. Every path is read under
 * a root ("" on a node; a test tree in tests), the PCI side through udev. */
#ifndef DPN_DOCTOR_H
#define DPN_DOCTOR_H

#include <jansson.h>

#include "dpn_conf.h"
#include "dpn_sriov.h"

enum dpn_doctor_result { DPN_DOCTOR_PASS, DPN_DOCTOR_WARN, DPN_DOCTOR_FAIL, DPN_DOCTOR_SKIP };

struct dpn_doctor_env {
	const char *root;                 /* prefix of /proc, /sys, /etc, /var/lib/dpkg */
	const struct dpn_conf *conf;      /* the node's config */
	const struct dpn_nic_table *nics; /* NULL: no NIC table (vendor checks skip) */
	const struct dpn_inventory *inv;  /* PFs found (NULL: none scanned) */
	const char *pmd_dir;              /* this DPDK's PMD directory */
	json_t *status;                   /* dpnoded's status, NULL when it is not running */
};

struct dpn_doctor_finding {
	enum dpn_doctor_result result;
	char saw[768];
	char fix[512];
};

/* [{"check", "result": "pass|warn|fail|skip", "saw", "fix"}], in a fixed
 * order; new reference. */
json_t *dpn_doctor_run(const struct dpn_doctor_env *e);
const char *dpn_doctor_result_name(enum dpn_doctor_result r);

#endif
