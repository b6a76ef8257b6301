/* ovs-vswitchd's offload reports, as text, into numbers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpn_offload.h"

int dpn_offload_count_flows(const char *text, json_t *per_port)
{
	int total = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *p = strstr(l, "in_port("), *nl = strchr(l, '\n');
		if (!p || (nl && p > nl))
			continue;
		p += strlen("in_port(");
		size_t n = strcspn(p, ")\n");
		if (!n || n > 63 || p[n] != ')')
			continue;
		char name[64];
		memcpy(name, p, n);
		name[n] = '\0';
		json_t *c = json_object_get(per_port, name);
		json_object_set_new(per_port, name, json_integer(json_integer_value(c) + 1));
		total++;
	}
	return total;
}

/* "    Inserted offloads:   12" -> inserted_offloads = 12 */
static void counter(const char *l, size_t len, json_t *out)
{
	char key[64];
	size_t k = 0;
	const char *colon = memchr(l, ':', len);

	if (!colon)
		return;
	while (l < colon && isspace((unsigned char)*l))
		l++;
	for (; l < colon && k + 1 < sizeof(key); l++)
		key[k++] = isspace((unsigned char)*l) ? '_' : tolower((unsigned char)*l);
	while (k && key[k - 1] == '_')
		k--;
	key[k] = '\0';
	char *end;
	long long v = strtoll(colon + 1, &end, 10);
	if (k && end != colon + 1)
		json_object_set_new(out, key, json_integer(v));
}

json_t *dpn_offload_parse_stats(const char *text)
{
	json_t *out = json_object();
	bool in_total = false;

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		const char *s = l;
		while (s < l + len && isspace((unsigned char)*s))
			s++;
		if (!strncmp(s, "Total:", 6)) {
			in_total = true;
			continue;
		}
		if (in_total && s < l + len && !strchr(s, ':'))
			break;
		if (in_total && s + 6 <= l + len && !strncmp(s, "Thread", 6))
			break;
		if (in_total)
			counter(l, len, out);
	}
	return out;
}
