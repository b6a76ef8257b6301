/* dpnode: grpc core driven from the libevent loop. One completion queue; a
 * pump thread waits on it and hands each completion to the loop through an
 * eventfd, so every callback runs on the loop thread with the rest of
 * dpnoded and needs no locking. */
#ifndef DPN_DEVPLUGIN_GRPC_H
#define DPN_DEVPLUGIN_GRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>

struct dpn_gtag {
	void (*cb)(struct dpn_gtag *t, bool ok);
};

int dpn_devgrpc_init(struct event_base *base);
/* After every server is destroyed and every call released. */
void dpn_devgrpc_fini(void);
grpc_completion_queue *dpn_devgrpc_cq(void);

/* grpc_call_start_batch with a tag whose cb runs on the loop. */
int dpn_devgrpc_batch(grpc_call *call, const grpc_op *ops, size_t n, struct dpn_gtag *tag);
/* Counts a tag handed to grpc by other calls (request_call, shutdown). */
void dpn_devgrpc_issued(void);
/* Runs completions on the calling thread until none is outstanding. */
void dpn_devgrpc_drain(void);

grpc_byte_buffer *dpn_devgrpc_pack(const ProtobufCMessage *m);
/* The message's bytes (flattened); unref the slice when done. */
grpc_slice dpn_devgrpc_bytes(grpc_byte_buffer *bb);

/* "unix:<path>" gRPC target. */
void dpn_devgrpc_unix_target(const char *path, char *out, size_t len);

#endif
