#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "dpn_api.h"
#include "dpn_jsonrpc.h"

static int echo(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)ctx;
	if (json_object_get(params, "fail"))
		return dpn_err_set(err, -EINVAL, "fail: asked to");
	*result = json_pack("{s:O}", "got", params);
	return 0;
}

static int error_code(json_t *resp)
{
	return json_integer_value(json_object_get(json_object_get(resp, "error"), "code"));
}

/* A server on a socket in a new temp dir (dir: a mkdtemp template). */
static struct dpn_api *api_in(struct event_base *base, char *dir, struct dpn_api_conf *conf)
{
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755); /* reachable by the non-root callers of callers_are_checked */
	snprintf(conf->socket, sizeof(conf->socket), "%s/api.sock", dir);
	struct dpn_api *api = dpn_api_new(base, conf);
	assert_non_null(api);
	return api;
}

static void dispatch(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX";
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	dpn_api_register(api, "echo", echo, NULL);

	json_t *req =
	        tjson("{\"version\": 1, \"id\": 5, \"method\": \"echo\", \"params\": {\"a\": 1}}");
	json_t *resp = dpn_api_handle(api, req);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 5);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(json_object_get(resp, "result"), "got"), "a")),
	        1);
	json_decref(req);
	json_decref(resp);

	static const struct {
		const char *req;
		int code;
		const char *msg;
	} bad[] = {
	        {"{\"method\": \"nope\"}", ENOSYS, "method: unknown method \"nope\""},
	        {"{\"version\": 2, \"method\": \"echo\"}", EPROTONOSUPPORT,
	                "version: this dpnoded speaks API version 1"},
	        {"{\"method\": \"echo\", \"params\": []}", EINVAL, "params: expected an object"},
	        {"{\"params\": {}}", EINVAL,
	                "request: expected an object with a \"method\" string"},
	        {"{\"method\": \"echo\", \"params\": {\"fail\": true}}", EINVAL, "fail: asked to"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req = tjson(bad[i].req);
		resp = dpn_api_handle(api, req);
		assert_int_equal(error_code(resp), bad[i].code);
		assert_string_equal(json_string_value(json_object_get(
		                            json_object_get(resp, "error"), "message")),
		        bad[i].msg);
		json_decref(req);
		json_decref(resp);
	}
	/* a second daemon on the same socket is refused */
	assert_null(dpn_api_new(base, &conf));
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void spin(struct event_base *base, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
}

/* What the server sends back until it closes (or 1 s passes). */
static int reply_then_eof(struct event_base *base, int fd, char *buf, size_t len)
{
	size_t got = 0;
	for (int i = 0; i < 1000; i++) {
		spin(base, 1);
		ssize_t n = recv(fd, buf + got, len - got - 1, MSG_DONTWAIT);
		if (n == 0) {
			buf[got] = '\0';
			return 0; /* closed by the server */
		}
		if (n > 0)
			got += n;
	}
	buf[got] = '\0';
	return -1;
}

/* Non-JSON and oversized requests: one error reply, then the server closes,
 * and its file descriptors come back (each such client once leaked one). */
static void hostile_clients(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX", buf[4096];
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	int before = count_fds();
	for (int i = 0; i < 50; i++) {
		int fd = dpn_unix_connect(conf.socket);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "garbage\n", 8), 8);
		assert_int_equal(reply_then_eof(base, fd, buf, sizeof(buf)), 0);
		assert_non_null(strstr(buf, "request: not JSON"));
		close(fd);
	}
	spin(base, 20);
	assert_int_equal(count_fds(), before);

	int fd = dpn_unix_connect(conf.socket);
	size_t big = (1u << 20) + 4096;
	char *junk = malloc(big);
	memset(junk, '[', big); /* never completes: the server must not keep it */
	size_t sent = 0;
	for (int i = 0; i < 10000 && sent < big; i++) {
		ssize_t n = send(fd, junk + sent, big - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0)
			sent += n;
		spin(base, 1);
	}
	assert_int_equal(reply_then_eof(base, fd, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "larger than 1 MiB"));
	close(fd);
	free(junk);
	spin(base, 20);
	assert_int_equal(count_fds(), before);

	/* clients that connect and send nothing: at most DPN_API_CONNS_MAX are
	 * kept (the rest are closed at once), and dpn_api_free frees the rest */
	enum { N_SILENT = DPN_API_CONNS_MAX + 44 };
	int fds[N_SILENT], closed = 0;
	for (int i = 0; i < N_SILENT; i++) {
		fds[i] = dpn_unix_connect(conf.socket);
		spin(base, 1);
	}
	spin(base, 50);
	for (int i = 0; i < N_SILENT; i++) {
		char c;
		closed += fds[i] >= 0 && recv(fds[i], &c, 1, MSG_DONTWAIT) == 0;
	}
	assert_true(closed >= N_SILENT - DPN_API_CONNS_MAX);
	dpn_api_free(api);
	for (int i = 0; i < N_SILENT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	event_base_free(base);
	rmdir(path);
}

static int ro(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)ctx;
	(void)params;
	(void)err;
	*result = json_pack("{s:b}", "read", 1);
	return 0;
}

/* In a child that is not root: one request, the error code it got (0: ok). */
static int call_as_nobody(const char *sock, const char *method)
{
	char buf[1024];
	struct timeval tv = {5, 0};

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 200;
	int fd = dpn_unix_connect(sock);
	if (fd < 0)
		return 201;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int n = snprintf(buf, sizeof(buf), "{\"method\": \"%s\"}\n", method);
	if (write(fd, buf, n) != n)
		return 202;
	ssize_t got = recv(fd, buf, sizeof(buf) - 1, 0);
	if (got <= 0)
		return 203;
	buf[got] = '\0';
	json_t *r = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
	int code = r ? (int)json_integer_value(json_object_get(json_object_get(r, "error"), "code"))
	             : 204;
	json_decref(r);
	return code;
}

static int child_code(struct event_base *base, const char *sock, const char *method)
{
	int status = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(call_as_nobody(sock, method));
	for (int i = 0; i < 5000 && waitpid(pid, &status, WNOHANG) == 0; i++)
		spin(base, 1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* The kernel's word on who calls (SO_PEERCRED): a caller that is not root
 * and not in api.allow may read but not change the node. */
static void callers_are_checked(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX";
	struct dpn_api_conf conf = {.mode = 0666, .gid = -1};
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	dpn_api_register(api, "echo", echo, NULL);
	dpn_api_register_ro(api, "ro", ro, NULL);
	assert_int_equal(child_code(base, conf.socket, "ro"), 0);
	assert_int_equal(child_code(base, conf.socket, "echo"), EPERM);
	dpn_api_free(api);

	/* api.allow names the uid: allowed */
	conf.allow_uids[conf.n_allow_uids++] = 65534;
	api = dpn_api_new(base, &conf);
	assert_non_null(api);
	dpn_api_register(api, "echo", echo, NULL);
	assert_int_equal(child_code(base, conf.socket, "echo"), 0);
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

/* A reader (not root, not in api.allow) holding connections open gets at
 * most DPN_API_READERS_MAX of the slots: root's calls (the CNI's) still get
 * through. */
static void readers_cannot_take_every_slot(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX";
	struct dpn_api_conf conf = {.mode = 0666, .gid = -1};
	int report[2], hold[2];
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	dpn_api_register_ro(api, "ro", ro, NULL);
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(hold), 0);
	pid_t pid = fork();
	enum { N_HELD = DPN_API_READERS_MAX + 32 };
	if (pid == 0) { /* nobody: silent connections, how many were kept */
		int fds[N_HELD], kept = 0;
		char c;
		close(hold[1]); /* EOF on hold[0] when the parent is done */
		close(report[0]);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		for (int i = 0; i < N_HELD; i++) {
			fds[i] = dpn_unix_connect(conf.socket);
			usleep(1000);
		}
		usleep(300000);
		for (int i = 0; i < N_HELD; i++)
			kept += fds[i] >= 0 && recv(fds[i], &c, 1, MSG_DONTWAIT) < 0 &&
			        errno == EAGAIN;
		if (write(report[1], &kept, sizeof(kept)) != sizeof(kept))
			_exit(1);
		(void)read(hold[0], &c, 1); /* until the parent has called as root */
		_exit(0);
	}
	int kept = -1;
	close(hold[0]);
	close(report[1]);
	fcntl(report[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 5000 && read(report[0], &kept, sizeof(kept)) != sizeof(kept); i++)
		spin(base, 1);
	assert_int_equal(kept, DPN_API_READERS_MAX);
	/* root, with the readers' connections still open */
	int fd = dpn_unix_connect(conf.socket);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"method\": \"ro\"}", 16), 16);
	char buf[256];
	ssize_t got = -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 2000 && got <= 0; i++) {
		spin(base, 1);
		got = recv(fd, buf, sizeof(buf) - 1, 0);
	}
	assert_true(got > 0);
	buf[got] = '\0';
	assert_true(strstr(buf, "\"read\": true") || strstr(buf, "\"read\":true"));
	close(fd);
	close(hold[1]);
	close(report[0]);
	waitpid(pid, NULL, 0);
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

/* A method that says -EAGAIN until its gate opens. */
struct gate {
	bool open;
	int calls;
};

static int gate(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	struct gate *g = ctx;
	(void)params;
	g->calls++;
	if (!g->open)
		return dpn_err_set(err, -EAGAIN, "gate: closed");
	*result = json_pack("{s:b}", "passed", 1);
	return 0;
}

static int send_str(const char *sock, const char *s)
{
	int fd = dpn_unix_connect(sock);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	return fd;
}

/* What has arrived on fd after rounds of the loop ("" for nothing). */
static void received(struct event_base *base, int fd, int rounds, char *buf, size_t len)
{
	size_t got = 0;
	spin(base, rounds);
	ssize_t n;
	while ((n = recv(fd, buf + got, len - got - 1, MSG_DONTWAIT)) > 0)
		got += n;
	buf[got] = '\0';
}

/* "wait_ms": a -EAGAIN is not the answer until the wait is over; a kick
 * asks again at once; what the client sent meanwhile is served after, in
 * order; a client that goes is forgotten. */
static void waiting_requests(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX", buf[4096];
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};
	struct gate g = {0};
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	assert_int_equal(dpn_api_register(api, "gate", gate, &g), 0);
	assert_int_equal(dpn_api_register(api, "echo", echo, NULL), 0);
	int before = count_fds();

	/* no wait asked: the -EAGAIN at once */
	int fd = send_str(conf.socket, "{\"id\": 1, \"method\": \"gate\"}");
	received(base, fd, 20, buf, sizeof(buf));
	assert_non_null(strstr(buf, "gate: closed"));
	close(fd);

	fd = send_str(conf.socket, "{\"id\": 2, \"method\": \"gate\", \"wait_ms\": 60000}"
	                           "{\"id\": 3, \"method\": \"echo\"}");
	received(base, fd, 30, buf, sizeof(buf));
	assert_string_equal(buf, ""); /* neither answered: the first waits */
	int calls = g.calls;
	assert_true(calls <= 3);
	dpn_api_kick(api); /* still closed: asked again, still waiting */
	received(base, fd, 10, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_true(g.calls > calls);
	g.open = true;
	dpn_api_kick(api);
	received(base, fd, 10, buf, sizeof(buf));
	char *first = strstr(buf, "\"passed\":true"), *second = strstr(buf, "\"got\"");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	close(fd);

	/* the wait over: the -EAGAIN, with its message */
	g.open = false;
	fd = send_str(conf.socket, "{\"id\": 4, \"method\": \"gate\", \"wait_ms\": 300}");
	received(base, fd, 100, buf, sizeof(buf));
	assert_string_equal(buf, "");
	for (int i = 0; i < 50 && !buf[0]; i++)
		received(base, fd, 20, buf, sizeof(buf));
	assert_non_null(strstr(buf, "gate: closed"));
	json_t *resp = json_loads(buf, 0, NULL);
	assert_int_equal(error_code(resp), EAGAIN);
	json_decref(resp);
	close(fd);

	/* a client that goes while its request waits: not asked again */
	fd = send_str(conf.socket, "{\"id\": 5, \"method\": \"gate\", \"wait_ms\": 60000}");
	spin(base, 10);
	close(fd);
	spin(base, 10);
	calls = g.calls;
	dpn_api_kick(api);
	spin(base, 300);
	assert_int_equal(g.calls, calls);
	assert_int_equal(count_fds(), before);

	fd = send_str(conf.socket, "{\"id\": 6, \"method\": \"gate\", \"wait_ms\": \"x\"}");
	received(base, fd, 20, buf, sizeof(buf));
	assert_non_null(strstr(buf, "wait_ms: expected milliseconds"));
	close(fd);
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

/* DPN_API_WAITING_MAX waiting: the next is answered at once (its client
 * asks again), the ones waiting still wait. */
static void waiting_is_capped(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX", buf[4096];
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};
	struct gate g = {0};
	int held[DPN_API_WAITING_MAX], fd;
	(void)state;

	struct dpn_api *api = api_in(base, path, &conf);
	assert_int_equal(dpn_api_register(api, "gate", gate, &g), 0);
	int before = count_fds();
	for (int i = 0; i < DPN_API_WAITING_MAX; i++) {
		held[i] = send_str(conf.socket, "{\"method\": \"gate\", \"wait_ms\": 60000}");
		spin(base, 1);
	}
	spin(base, 20);
	fd = send_str(conf.socket, "{\"id\": 8, \"method\": \"gate\", \"wait_ms\": 60000}");
	received(base, fd, 20, buf, sizeof(buf));
	assert_non_null(strstr(buf, "gate: closed"));
	close(fd);
	received(base, held[0], 1, buf, sizeof(buf));
	assert_string_equal(buf, ""); /* the first still waits */
	for (int i = 0; i < DPN_API_WAITING_MAX; i++)
		close(held[i]);
	spin(base, 20);
	assert_int_equal(count_fds(), before);
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

int main(void)
{
	/* a server's slots and as many clients, in one process */
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(dispatch),
	        cmocka_unit_test(hostile_clients),
	        cmocka_unit_test(callers_are_checked),
	        cmocka_unit_test(readers_cannot_take_every_slot),
	        cmocka_unit_test(waiting_requests),
	        cmocka_unit_test(waiting_is_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
