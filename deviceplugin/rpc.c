/* The DevicePlugin methods over kubelet's v1beta1 messages, and the
 * Registration client. Messages are built in an arena freed after packing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/grpc_security.h>
#include <grpc/support/time.h>

#define DPN_LOG_MOD "devplugin"
#include "api.pb-c.h"
#include "devplugin_priv.h"
#include "dpn_log.h"
#include "dpn_util.h"
#include "dpn_util.h"

#define REGISTER_TIMEOUT_MS 5000

struct arena {
	void **p;
	size_t n, cap;
};

static void *az(struct arena *a, size_t sz)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		void **p = realloc(a->p, cap * sizeof(*p));
		if (!p)
			abort(); /* a reply half built cannot be sent */
		a->p = p;
		a->cap = cap;
	}
	void *x = calloc(1, sz ? sz : 1);
	if (!x)
		abort();
	return a->p[a->n++] = x;
}

static char *astr(struct arena *a, const char *s)
{
	char *x = az(a, strlen(s) + 1);
	return strcpy(x, s);
}

static void afree(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i]);
	free(a->p);
}

grpc_byte_buffer *dpn_devrpc_devices(const struct dpn_devres *r)
{
	struct arena a = {0};
	V1beta1__ListAndWatchResponse resp = V1BETA1__LIST_AND_WATCH_RESPONSE__INIT;

	resp.n_devices = r->n_dev;
	resp.devices = az(&a, r->n_dev * sizeof(*resp.devices));
	for (int i = 0; i < r->n_dev; i++) {
		const struct dpn_devres_dev *d = &r->dev[i];
		V1beta1__Device *dev = az(&a, sizeof(*dev));
		v1beta1__device__init(dev);
		dev->id = (char *)d->id;
		dev->health = d->healthy ? "Healthy" : "Unhealthy";
		if (d->numa >= 0 && !r->exclude_topology) {
			dev->topology = az(&a, sizeof(*dev->topology));
			v1beta1__topology_info__init(dev->topology);
			dev->topology->n_nodes = 1;
			dev->topology->nodes = az(&a, sizeof(*dev->topology->nodes));
			dev->topology->nodes[0] = az(&a, sizeof(V1beta1__NUMANode));
			v1beta1__numanode__init(dev->topology->nodes[0]);
			dev->topology->nodes[0]->id = d->numa;
		}
		resp.devices[i] = dev;
	}
	grpc_byte_buffer *bb = dpn_devgrpc_pack(&resp.base);
	afree(&a);
	return bb;
}

static grpc_byte_buffer *options(void)
{
	V1beta1__DevicePluginOptions o = V1BETA1__DEVICE_PLUGIN_OPTIONS__INIT;
	o.get_preferred_allocation_available = 1;
	return dpn_devgrpc_pack(&o.base);
}

static grpc_byte_buffer *preferred(struct dpn_devslot *s, grpc_slice in, struct dpn_err *err)
{
	V1beta1__PreferredAllocationRequest *req = v1beta1__preferred_allocation_request__unpack(
	        NULL, GRPC_SLICE_LENGTH(in), GRPC_SLICE_START_PTR(in));
	V1beta1__PreferredAllocationResponse resp = V1BETA1__PREFERRED_ALLOCATION_RESPONSE__INIT;
	struct arena a = {0};
	grpc_byte_buffer *bb = NULL;

	if (!req) {
		dpn_err_set(err, -EINVAL, "%s: GetPreferredAllocation: malformed request",
		        s->res.resource);
		return NULL;
	}
	resp.n_container_responses = req->n_container_requests;
	resp.container_responses = az(&a, req->n_container_requests * sizeof(void *));
	for (size_t i = 0; i < req->n_container_requests; i++) {
		V1beta1__ContainerPreferredAllocationRequest *c = req->container_requests[i];
		json_t *ids = dpn_devres_preferred(&s->res,
		        (const char *const *)c->available_deviceids, c->n_available_deviceids,
		        (const char *const *)c->must_include_deviceids, c->n_must_include_deviceids,
		        c->allocation_size);
		if (!ids) {
			dpn_err_set(err, -EINVAL, "%s: cannot pick %d of %zu available devices",
			        s->res.resource, c->allocation_size, c->n_available_deviceids);
			goto out;
		}
		V1beta1__ContainerPreferredAllocationResponse *cr = az(&a, sizeof(*cr));
		v1beta1__container_preferred_allocation_response__init(cr);
		cr->n_deviceids = json_array_size(ids);
		cr->deviceids = az(&a, cr->n_deviceids * sizeof(char *));
		for (size_t k = 0; k < cr->n_deviceids; k++)
			cr->deviceids[k] = astr(&a, json_string_value(json_array_get(ids, k)));
		json_decref(ids);
		resp.container_responses[i] = cr;
	}
	bb = dpn_devgrpc_pack(&resp.base);
out:
	v1beta1__preferred_allocation_request__free_unpacked(req, NULL);
	afree(&a);
	return bb;
}

static V1beta1__ContainerAllocateResponse *container_resp(struct arena *a, json_t *alloc)
{
	V1beta1__ContainerAllocateResponse *cr = az(a, sizeof(*cr));
	json_t *envs = json_object_get(alloc, "envs"), *devs = json_object_get(alloc, "devices");
	json_t *v;
	const char *k;
	size_t i;

	v1beta1__container_allocate_response__init(cr);
	cr->envs = az(a, json_object_size(envs) * sizeof(void *));
	json_object_foreach (envs, k, v) {
		V1beta1__ContainerAllocateResponse__EnvsEntry *e = az(a, sizeof(*e));
		v1beta1__container_allocate_response__envs_entry__init(e);
		e->key = astr(a, k);
		e->value = astr(a, json_string_value(v));
		cr->envs[cr->n_envs++] = e;
	}
	cr->devices = az(a, json_array_size(devs) * sizeof(void *));
	json_array_foreach (devs, i, v) {
		V1beta1__DeviceSpec *d = az(a, sizeof(*d));
		v1beta1__device_spec__init(d);
		d->container_path =
		        astr(a, json_string_value(json_object_get(v, "container_path")));
		d->host_path = astr(a, json_string_value(json_object_get(v, "host_path")));
		d->permissions = astr(a, json_string_value(json_object_get(v, "permissions")));
		cr->devices[cr->n_devices++] = d;
	}
	return cr;
}

static grpc_byte_buffer *allocate(
        struct dpn_devplugin *pl, struct dpn_devslot *s, grpc_slice in, struct dpn_err *err)
{
	V1beta1__AllocateRequest *req = v1beta1__allocate_request__unpack(
	        NULL, GRPC_SLICE_LENGTH(in), GRPC_SLICE_START_PTR(in));
	V1beta1__AllocateResponse resp = V1BETA1__ALLOCATE_RESPONSE__INIT;
	struct arena a = {0};
	grpc_byte_buffer *bb = NULL;
	json_t *allocs = json_array();

	if (!req) {
		dpn_err_set(err, -EINVAL, "%s: Allocate: malformed request", s->res.resource);
		goto out;
	}
	/* every container is checked before anything is recorded or written */
	for (size_t i = 0; i < req->n_container_requests; i++) {
		V1beta1__ContainerAllocateRequest *c = req->container_requests[i];
		json_t *one = dpn_devres_allocate(&s->res, pl->inv, "",
		        (const char *const *)c->devices_ids, c->n_devices_ids, err);
		if (!one) {
			err->code = -EINVAL; /* the caller's IDs: not ours to retry */
			goto out;
		}
		json_array_append_new(allocs, one);
	}
	json_t *one;
	size_t i;
	json_array_foreach (allocs, i, one)
		if (dpn_devplugin_record(pl, s, json_object_get(one, "devinfo")) < 0) {
			dpn_err_set(err, -EIO,
			        "%s: cannot write device-info files or the allocation state",
			        s->res.resource);
			goto out;
		}
	resp.n_container_responses = json_array_size(allocs);
	resp.container_responses = az(&a, resp.n_container_responses * sizeof(void *));
	json_array_foreach (allocs, i, one)
		resp.container_responses[i] = container_resp(&a, one);
	bb = dpn_devgrpc_pack(&resp.base);
	s->allocs++;
out:
	if (req)
		v1beta1__allocate_request__free_unpacked(req, NULL);
	json_decref(allocs);
	afree(&a);
	return bb;
}

int dpn_devrpc_unary(struct dpn_devplugin *pl, struct dpn_devslot *s, const char *method,
        grpc_slice in, grpc_byte_buffer **out, struct dpn_err *err)
{
	const char *m = strrchr(method, '/');

	*out = NULL;
	m = m ? m + 1 : method;
	if (strncmp(method, "/v1beta1.DevicePlugin/", 22)) {
		return dpn_err_set(err, -ENOSYS, "unknown method %s", method);
	} else if (!strcmp(m, "GetDevicePluginOptions")) {
		*out = options();
	} else if (!strcmp(m, "GetPreferredAllocation")) {
		*out = preferred(s, in, err);
	} else if (!strcmp(m, "Allocate")) {
		uint64_t t0 = dpn_now_us();
		*out = allocate(pl, s, in, err);
		LOG_DEBUG("%s: Allocate in %llu us", s->res.resource,
		        (unsigned long long)(dpn_now_us() - t0));
	} else if (!strcmp(m, "PreStartContainer")) {
		V1beta1__PreStartContainerResponse r = V1BETA1__PRE_START_CONTAINER_RESPONSE__INIT;
		*out = dpn_devgrpc_pack(&r.base);
	} else {
		dpn_err_set(err, -ENOSYS, "unknown method %s", method);
	}
	if (*out)
		return 0;
	if (!err->code)
		dpn_err_set(err, -EINVAL, "%s: %s failed", s->res.resource, m);
	LOG_WARN("%s: %s: %s", s->res.resource, m, dpn_err_str(err));
	return err->code;
}

/* Registration client: one call on a fresh channel to kubelet.sock. */
struct dpn_devreg {
	struct dpn_gtag tag;
	struct dpn_devplugin *pl;
	struct dpn_devslot *slot;
	grpc_channel *ch;
	grpc_call *call;
	grpc_metadata_array md_in, trailing;
	grpc_byte_buffer *out, *in;
	grpc_status_code status;
	grpc_slice details;
	void (*done)(struct dpn_devplugin *pl, struct dpn_devslot *s, bool ok, const char *msg);
};

static void on_registered(struct dpn_gtag *t, bool ok)
{
	struct dpn_devreg *r = (struct dpn_devreg *)t;
	char msg[256];

	snprintf(msg, sizeof(msg), "%.*s", (int)GRPC_SLICE_LENGTH(r->details),
	        (const char *)GRPC_SLICE_START_PTR(r->details));
	ok = ok && r->status == GRPC_STATUS_OK;
	r->done(r->pl, r->slot, ok, msg[0] ? msg : "kubelet.sock unreachable");
	grpc_call_unref(r->call);
	grpc_channel_destroy(r->ch);
	grpc_metadata_array_destroy(&r->md_in);
	grpc_metadata_array_destroy(&r->trailing);
	grpc_byte_buffer_destroy(r->out);
	if (r->in)
		grpc_byte_buffer_destroy(r->in);
	grpc_slice_unref(r->details);
	free(r);
}

int dpn_devrpc_register(struct dpn_devplugin *pl, struct dpn_devslot *s,
        void (*done)(struct dpn_devplugin *pl, struct dpn_devslot *s, bool ok, const char *msg))
{
	struct dpn_devreg *r = calloc(1, sizeof(*r));
	char path[DPN_PATH_MAX + 16], target[DPN_PATH_MAX + 32];
	V1beta1__RegisterRequest req = V1BETA1__REGISTER_REQUEST__INIT;
	V1beta1__DevicePluginOptions o = V1BETA1__DEVICE_PLUGIN_OPTIONS__INIT;
	grpc_op ops[6] = {0};

	if (!r)
		return -ENOMEM;
	r->tag.cb = on_registered;
	r->pl = pl;
	r->slot = s;
	r->done = done;
	if (dpn_snprintf(path, sizeof(path), "%s/kubelet.sock", pl->conf->plugin_dir) < 0)
		return -ENAMETOOLONG;
	dpn_devgrpc_unix_target(path, target, sizeof(target));
	grpc_channel_credentials *cr = grpc_insecure_credentials_create();
	r->ch = grpc_channel_create(target, cr, NULL);
	grpc_channel_credentials_release(cr);
	gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
	        gpr_time_from_millis(REGISTER_TIMEOUT_MS, GPR_TIMESPAN));
	r->call = grpc_channel_create_call(r->ch, NULL, GRPC_PROPAGATE_DEFAULTS, dpn_devgrpc_cq(),
	        grpc_slice_from_static_string("/v1beta1.Registration/Register"), NULL, deadline,
	        NULL);
	req.version = "v1beta1";
	req.endpoint = s->res.endpoint;
	req.resource_name = s->res.resource;
	o.get_preferred_allocation_available = 1;
	req.options = &o;
	r->out = dpn_devgrpc_pack(&req.base);
	grpc_metadata_array_init(&r->md_in);
	grpc_metadata_array_init(&r->trailing);
	r->details = grpc_empty_slice();
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = r->out;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &r->md_in;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &r->in;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &r->trailing;
	ops[5].data.recv_status_on_client.status = &r->status;
	ops[5].data.recv_status_on_client.status_details = &r->details;
	if (dpn_devgrpc_batch(r->call, ops, 6, &r->tag) < 0) {
		r->done = NULL;
		grpc_call_unref(r->call);
		grpc_channel_destroy(r->ch);
		grpc_byte_buffer_destroy(r->out);
		free(r);
		return -EIO;
	}
	s->reg = r;
	return 0;
}

void dpn_devrpc_register_cancel(struct dpn_devreg *r)
{
	grpc_call_cancel(r->call, NULL);
}
