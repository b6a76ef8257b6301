/* dpnoded's API socket: the byte stream any caller of the socket sends,
 * framed as the server frames it (fed in the chunk sizes the first byte
 * picks), each value dispatched as the server dispatches it, vhost.add and
 * vhost.del through the whole validation a request meets before anything is
 * applied (parse, paths, port name and MAC, OVS port spec), vf.add through
 * its parse and the record it becomes (read back as a restart reads it). */
#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "dpn_api.h"
#include "dpn_jsonrpc.h"
#include "dpn_vfport.h"
#include "dpn_vhost.h"
#include "fuzz.h"

static struct dpn_vhost_conf vconf = {
        .socket_root = "/var/run/openvswitch/vhost",
        .kubelet_dir = "/var/lib/kubelet",
        .uid = 0,
        .gid = 107,
        .mode = 0770,
        .tx_retries_max = 8,
};

static int vhost_validate(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	char dir[DPN_PATH_MAX + 160], sock[DPN_PATH_MAX + 240], port[16], mac[18];
	struct dpn_vhost_req r;
	struct dpn_vhost_port spec;
	int ret;

	(void)ctx;
	if ((ret = dpn_vhost_req_parse(params, &r, err)) < 0 ||
	        (ret = dpn_vhost_paths(&vconf, &r, dir, sizeof(dir), sock, sizeof(sock), err)) < 0)
		return ret;
	dpn_vhost_port_name(r.pod_uid, r.ifname, port);
	dpn_vhost_default_mac(r.pod_uid, r.ifname, mac);
	dpn_vhost_port_spec(&vconf, &r, sock, &spec);
	if ((ret = dpn_ovs_port_spec_check(&spec.spec, err)) < 0)
		return ret;
	*res = dpn_vhost_req_json(&r);
	return 0;
}

static int vf_validate(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	struct dpn_vfport_req r, back;
	char key[16];
	int ret;

	(void)ctx;
	if ((ret = dpn_vfport_req_parse(params, &r, err)) < 0)
		return ret;
	dpn_vfport_name(r.pod.pod_uid, r.pod.ifname, key);
	*res = dpn_vfport_req_json(&r);
	if (dpn_vfport_req_parse(*res, &back, NULL) < 0) /* a record must read back */
		__builtin_trap();
	return 0;
}

static int ping(void *ctx, json_t *params, json_t **res, struct dpn_err *err)
{
	(void)ctx, (void)params, (void)err;
	*res = json_object();
	return 0;
}

static struct dpn_api *api_once(void)
{
	static struct dpn_api *api;
	if (api)
		return api;
	struct dpn_api_conf c = {.mode = 0600, .gid = -1};
	snprintf(c.socket, sizeof(c.socket), "%s/api.sock", fz_tmpdir());
	api = dpn_api_new(event_base_new(), &c);
	if (!api)
		abort();
	dpn_api_register(api, "vhost.add", vhost_validate, NULL);
	dpn_api_register(api, "vhost.del", vhost_validate, NULL);
	dpn_api_register(api, "vf.add", vf_validate, NULL);
	dpn_api_register_ro(api, "ping", ping, NULL);
	return api;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpn_api *api;
	struct dpn_jsbuf b;
	size_t chunk, off = 1;
	json_t *req;
	int r = 0;

	fz_quiet();
	api = api_once();
	if (size < 1)
		return 0;
	chunk = data[0] ? data[0] : size;
	dpn_jsbuf_init(&b);
	b.max = 1 << 20; /* the server's per-request cap */
	while (off < size && r >= 0) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (dpn_jsbuf_feed(&b, data + off, n) < 0)
			break;
		off += n;
		while ((r = dpn_jsbuf_next(&b, &req)) == 1) {
			json_t *resp = dpn_api_handle(api, req);
			free(json_dumps(resp, 0));
			json_decref(resp);
			json_decref(req);
		}
	}
	dpn_jsbuf_free(&b);
	return 0;
}
