/* Port_Binding addresses as kube-ovn-controller (or anyone with write access
 * to the Northbound) writes them: "MAC IP..." entries, one per line. */
#include <stdlib.h>
#include <string.h>

#include "dpn_ovn.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size), *save = NULL;

	fz_quiet();
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct dpn_ovn_port p;
		struct dpn_err err = {0};
		dpn_ovn_parse_addresses("pod.ns", l, &p, &err);
	}
	free(text);
	return 0;
}
