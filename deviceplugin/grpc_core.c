/* grpc core <-> libevent: see dpn_devgrpc.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>

#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>

#define DPN_LOG_MOD "grpc"
#include "devplugin_grpc.h"
#include "dpn_log.h"

struct done {
	struct dpn_gtag *tag;
	bool ok;
	struct done *next;
};

static struct {
	grpc_completion_queue *cq;
	pthread_t thread;
	int efd;
	struct event *ev;
	pthread_mutex_t lock;
	struct done *head, **tail;
	long outstanding; /* tags handed to grpc, not yet dispatched (loop thread) */
} g = {.efd = -1};

static void *pump(void *arg)
{
	(void)arg;
	for (;;) {
		grpc_event e =
		        grpc_completion_queue_next(g.cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (e.type == GRPC_QUEUE_SHUTDOWN)
			break;
		if (e.type != GRPC_OP_COMPLETE)
			continue;
		struct done *d = malloc(sizeof(*d));
		if (!d)
			abort(); /* a lost completion would leak a call forever */
		*d = (struct done){.tag = e.tag, .ok = e.success != 0};
		pthread_mutex_lock(&g.lock);
		*g.tail = d;
		g.tail = &d->next;
		pthread_mutex_unlock(&g.lock);
		uint64_t one = 1;
		if (write(g.efd, &one, sizeof(one)) < 0)
			LOG_WARN("eventfd: %s", strerror(errno));
	}
	return NULL;
}

static void dispatch(void)
{
	pthread_mutex_lock(&g.lock);
	struct done *d = g.head;
	g.head = NULL;
	g.tail = &g.head;
	pthread_mutex_unlock(&g.lock);
	while (d) {
		struct done *next = d->next;
		g.outstanding--;
		d->tag->cb(d->tag, d->ok);
		free(d);
		d = next;
	}
}

static void efd_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;
	(void)what;
	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		LOG_WARN("eventfd: %s", strerror(errno));
	dispatch();
}

int dpn_devgrpc_init(struct event_base *base)
{
	int ret;

	grpc_init();
	g.cq = grpc_completion_queue_create_for_next(NULL);
	g.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!g.cq || g.efd < 0) {
		LOG_ERR("completion queue/eventfd: %s", strerror(errno));
		return -ENOMEM;
	}
	pthread_mutex_init(&g.lock, NULL);
	g.tail = &g.head;
	g.ev = event_new(base, g.efd, EV_READ | EV_PERSIST, efd_cb, NULL);
	if (!g.ev || event_add(g.ev, NULL) < 0)
		return -ENOMEM;
	if ((ret = pthread_create(&g.thread, NULL, pump, NULL))) {
		LOG_ERR("pump thread: %s", strerror(ret));
		return -ret;
	}
	return 0;
}

void dpn_devgrpc_drain(void)
{
	while (g.outstanding > 0) {
		uint64_t n;
		struct pollfd p = {.fd = g.efd, .events = POLLIN}; /* any fd number */
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (read(g.efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			break;
		dispatch();
	}
}

void dpn_devgrpc_fini(void)
{
	if (!g.cq)
		return;
	dpn_devgrpc_drain();
	grpc_completion_queue_shutdown(g.cq);
	pthread_join(g.thread, NULL);
	dispatch();
	grpc_completion_queue_destroy(g.cq);
	g.cq = NULL;
	event_free(g.ev);
	close(g.efd);
	g.efd = -1;
	grpc_shutdown();
}

grpc_completion_queue *dpn_devgrpc_cq(void)
{
	return g.cq;
}

void dpn_devgrpc_issued(void)
{
	g.outstanding++;
}

int dpn_devgrpc_batch(grpc_call *call, const grpc_op *ops, size_t n, struct dpn_gtag *tag)
{
	grpc_call_error e = grpc_call_start_batch(call, ops, n, tag, NULL);
	if (e != GRPC_CALL_OK) {
		LOG_ERR("start batch: %s", grpc_call_error_to_string(e));
		return -EIO;
	}
	g.outstanding++;
	return 0;
}

grpc_byte_buffer *dpn_devgrpc_pack(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	grpc_slice s = grpc_slice_malloc(len);
	protobuf_c_message_pack(m, GRPC_SLICE_START_PTR(s));
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
	grpc_slice_unref(s);
	return bb;
}

grpc_slice dpn_devgrpc_bytes(grpc_byte_buffer *bb)
{
	grpc_byte_buffer_reader r;
	if (!bb || !grpc_byte_buffer_reader_init(&r, bb))
		return grpc_empty_slice();
	grpc_slice s = grpc_byte_buffer_reader_readall(&r);
	grpc_byte_buffer_reader_destroy(&r);
	return s;
}

void dpn_devgrpc_unix_target(const char *path, char *out, size_t len)
{
	snprintf(out, len, "unix:%s", path);
}
