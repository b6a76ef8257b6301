/* One resource's DevicePlugin server on its unix socket. Each call is an
 * object with one tag per kind of operation in flight (receive, send,
 * close); it is freed when none is left. ListAndWatch calls stay open and
 * get the device list again whenever it changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <grpc/grpc_security.h>

#define DPN_LOG_MOD "devplugin"
#include "devplugin_priv.h"
#include "dpn_log.h"

#define M_LISTWATCH "/v1beta1.DevicePlugin/ListAndWatch"

struct call;

struct ctag {
	struct dpn_gtag g;
	struct call *c;
};

struct call {
	struct dpn_devep *ep;
	grpc_call *call;
	grpc_call_details details;
	grpc_metadata_array md;
	grpc_byte_buffer *in, *out;
	struct ctag t_new, t_recv, t_send, t_close;
	int refs; /* operations in flight */
	int cancelled;
	bool stream, closed, sending, dirty, md_sent;
	long sent_version;
	grpc_slice status_msg;
	struct call *next; /* ep->streams */
};

struct dpn_devep {
	struct dpn_devplugin *pl;
	struct dpn_devslot *slot;
	char path[DPN_PATH_MAX];
	grpc_server *srv;
	struct dpn_gtag t_shutdown;
	bool stopping, shut;
	int refs; /* the server + live calls */
	struct call *streams;
	void (*stopped)(void *arg);
	void *stopped_arg;
};

static void request_next(struct dpn_devep *ep);

static void ep_unref(struct dpn_devep *ep)
{
	if (--ep->refs > 0)
		return;
	LOG_DEBUG("%s: endpoint stopped", ep->slot->res.resource);
	if (ep->stopped)
		ep->stopped(ep->stopped_arg);
	free(ep);
}

static void streams_remove(struct dpn_devep *ep, struct call *c)
{
	for (struct call **p = &ep->streams; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			return;
		}
}

static void call_unref(struct call *c)
{
	if (--c->refs > 0)
		return;
	struct dpn_devep *ep = c->ep;
	if (c->stream)
		streams_remove(ep, c);
	if (c->call)
		grpc_call_unref(c->call);
	grpc_call_details_destroy(&c->details);
	grpc_metadata_array_destroy(&c->md);
	if (c->in)
		grpc_byte_buffer_destroy(c->in);
	if (c->out)
		grpc_byte_buffer_destroy(c->out);
	grpc_slice_unref(c->status_msg);
	free(c);
	ep_unref(ep);
}

static int op(struct call *c, grpc_op *ops, size_t n, struct ctag *t)
{
	if (dpn_devgrpc_batch(c->call, ops, n, &t->g) < 0)
		return -EIO;
	c->refs++;
	return 0;
}

static void send_devices(struct call *c)
{
	grpc_op ops[2] = {0};
	size_t n = 0;
	const struct dpn_devres *r = &c->ep->slot->res;

	c->dirty = false;
	if (!c->md_sent) {
		ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
		c->md_sent = true;
	}
	if (c->out)
		grpc_byte_buffer_destroy(c->out);
	c->out = dpn_devrpc_devices(r);
	ops[n].op = GRPC_OP_SEND_MESSAGE;
	ops[n++].data.send_message.send_message = c->out;
	c->sent_version = r->version;
	if (op(c, ops, n, &c->t_send) == 0)
		c->sending = true;
}

static void on_send(struct dpn_gtag *g, bool ok)
{
	struct call *c = ((struct ctag *)g)->c;
	c->sending = false;
	if (c->stream && ok && !c->closed && c->dirty)
		send_devices(c);
	call_unref(c);
}

static void on_close(struct dpn_gtag *g, bool ok)
{
	struct call *c = ((struct ctag *)g)->c;
	(void)ok;
	c->closed = true;
	if (c->stream) {
		LOG_INFO("%s: ListAndWatch closed", c->ep->slot->res.resource);
		streams_remove(c->ep, c);
		c->stream = false;
	}
	call_unref(c);
}

/* The one place an errno becomes a gRPC status. */
static grpc_status_code grpc_status_of(int ret)
{
	switch (ret) {
	case 0:
		return GRPC_STATUS_OK;
	case -EINVAL:
		return GRPC_STATUS_INVALID_ARGUMENT;
	case -ENOSYS:
		return GRPC_STATUS_UNIMPLEMENTED;
	default:
		return GRPC_STATUS_INTERNAL;
	}
}

static void reply(struct call *c, grpc_byte_buffer *resp, grpc_status_code st, const char *msg)
{
	grpc_op ops[3] = {0};
	size_t n = 0;

	ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
	if (resp) {
		c->out = resp;
		ops[n].op = GRPC_OP_SEND_MESSAGE;
		ops[n++].data.send_message.send_message = resp;
	}
	c->status_msg = grpc_slice_from_copied_string(msg ? msg : "");
	ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
	ops[n].data.send_status_from_server.status = st;
	ops[n++].data.send_status_from_server.status_details = msg ? &c->status_msg : NULL;
	op(c, ops, n, &c->t_send);
}

static void on_recv(struct dpn_gtag *g, bool ok)
{
	struct call *c = ((struct ctag *)g)->c;
	char method[128];
	grpc_slice m = c->details.method;

	snprintf(method, sizeof(method), "%.*s", (int)GRPC_SLICE_LENGTH(m),
	        (const char *)GRPC_SLICE_START_PTR(m));
	if (!ok || c->ep->stopping) {
		call_unref(c);
		return;
	}
	if (!strcmp(method, M_LISTWATCH)) {
		LOG_INFO("%s: ListAndWatch opened", c->ep->slot->res.resource);
		c->stream = true;
		c->next = c->ep->streams;
		c->ep->streams = c;
		send_devices(c);
	} else {
		struct dpn_err err = {0};
		grpc_byte_buffer *resp;
		grpc_slice in = dpn_devgrpc_bytes(c->in);
		int ret = dpn_devrpc_unary(c->ep->pl, c->ep->slot, method, in, &resp, &err);
		grpc_slice_unref(in);
		reply(c, resp, grpc_status_of(ret), ret < 0 ? err.msg : NULL);
	}
	call_unref(c);
}

static void on_new(struct dpn_gtag *g, bool ok)
{
	struct call *c = ((struct ctag *)g)->c;
	struct dpn_devep *ep = c->ep;
	grpc_op ops[1] = {0};

	if (!ok || ep->stopping) {
		call_unref(c);
		return;
	}
	request_next(ep);
	ops[0].op = GRPC_OP_RECV_MESSAGE;
	ops[0].data.recv_message.recv_message = &c->in;
	op(c, ops, 1, &c->t_recv);
	ops[0] = (grpc_op){.op = GRPC_OP_RECV_CLOSE_ON_SERVER};
	ops[0].data.recv_close_on_server.cancelled = &c->cancelled;
	op(c, ops, 1, &c->t_close);
	call_unref(c);
}

static void request_next(struct dpn_devep *ep)
{
	struct call *c = calloc(1, sizeof(*c));
	if (!c) {
		LOG_ERR("%s: out of memory", ep->slot->res.resource);
		return;
	}
	c->ep = ep;
	c->t_new = (struct ctag){{on_new}, c};
	c->t_recv = (struct ctag){{on_recv}, c};
	c->t_send = (struct ctag){{on_send}, c};
	c->t_close = (struct ctag){{on_close}, c};
	c->status_msg = grpc_empty_slice();
	grpc_call_details_init(&c->details);
	grpc_metadata_array_init(&c->md);
	grpc_call_error e = grpc_server_request_call(ep->srv, &c->call, &c->details, &c->md,
	        dpn_devgrpc_cq(), dpn_devgrpc_cq(), &c->t_new.g);
	if (e != GRPC_CALL_OK) {
		LOG_ERR("%s: request call: %s", ep->slot->res.resource,
		        grpc_call_error_to_string(e));
		grpc_call_details_destroy(&c->details);
		grpc_metadata_array_destroy(&c->md);
		free(c);
		return;
	}
	dpn_devgrpc_issued();
	c->refs = 1;
	ep->refs++;
}

struct dpn_devep *dpn_devep_start(struct dpn_devplugin *pl, struct dpn_devslot *s, const char *path)
{
	struct dpn_devep *ep = calloc(1, sizeof(*ep));
	char target[DPN_PATH_MAX + 8];

	if (!ep)
		return NULL;
	ep->pl = pl;
	ep->slot = s;
	snprintf(ep->path, sizeof(ep->path), "%s", path);
	unlink(path); /* a stale socket from an earlier run */
	ep->srv = grpc_server_create(NULL, NULL);
	grpc_server_register_completion_queue(ep->srv, dpn_devgrpc_cq(), NULL);
	dpn_devgrpc_unix_target(path, target, sizeof(target));
	grpc_server_credentials *cr = grpc_insecure_server_credentials_create();
	int port = grpc_server_add_http2_port(ep->srv, target, cr);
	grpc_server_credentials_release(cr);
	if (!port) {
		LOG_ERR("%s: cannot listen on %s", s->res.resource, path);
		grpc_server_destroy(ep->srv);
		free(ep);
		return NULL;
	}
	grpc_server_start(ep->srv);
	ep->refs = 1;
	request_next(ep);
	LOG_INFO("%s: serving %s", s->res.resource, path);
	return ep;
}

static void on_shutdown(struct dpn_gtag *g, bool ok)
{
	struct dpn_devep *ep =
	        (struct dpn_devep *)((char *)g - offsetof(struct dpn_devep, t_shutdown));
	(void)ok;
	grpc_server_destroy(ep->srv);
	ep->srv = NULL;
	ep_unref(ep);
}

void dpn_devep_stop(struct dpn_devep *ep, void (*cb)(void *arg), void *arg)
{
	ep->stopping = true;
	ep->stopped = cb;
	ep->stopped_arg = arg;
	ep->t_shutdown.cb = on_shutdown;
	grpc_server_shutdown_and_notify(ep->srv, dpn_devgrpc_cq(), &ep->t_shutdown);
	dpn_devgrpc_issued();
	grpc_server_cancel_all_calls(ep->srv);
}

void dpn_devep_push(struct dpn_devep *ep)
{
	for (struct call *c = ep->streams; c; c = c->next) {
		if (c->closed || c->sent_version == ep->slot->res.version)
			continue;
		if (c->sending)
			c->dirty = true;
		else
			send_devices(c);
	}
}

int dpn_devep_n_streams(const struct dpn_devep *ep)
{
	int n = 0;
	for (const struct call *c = ep->streams; c; c = c->next)
		n++;
	return n;
}
