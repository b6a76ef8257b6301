/* Supervised processes through pidfds: a pidfd becomes readable when its
 * process exits, whether it is our child or one adopted after a restart. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DPN_LOG_MOD "proc"
#include "dpn_log.h"
#include "dpn_proc.h"
#include "dpn_util.h"

#define MAX_ENV 8

struct dpn_proc {
	struct event_base *base;
	char name[32];
	char pidfile[256];
	char comm[16];
	dpn_proc_exit_cb cb;
	void *arg;
	pid_t pid;
	int pidfd;
	bool child;
	struct event *ev;
	uint64_t start_s; /* seconds since boot */
	unsigned restarts;
	int n_env;
	char *env[MAX_ENV];
};

static int pidfd_open_(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static uint64_t boot_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec;
}

/* Start time of pid in seconds since boot, from /proc/PID/stat field 22. */
static uint64_t proc_start_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (dpn_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return boot_seconds();
	/* after ") " come fields 3.. ; starttime is field 22 */
	if (sscanf(p + 2,
	            "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
	            "%*d %*d %llu",
	            &start) != 1)
		return boot_seconds();
	return start / sysconf(_SC_CLK_TCK);
}

/* State letter from /proc/PID/stat: Z (zombie) and X (dead) are not alive. */
static bool proc_alive(long pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (dpn_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return false;
	return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static void on_exit_ev(evutil_socket_t fd, short what, void *arg)
{
	struct dpn_proc *p = arg;
	int status = -1;
	(void)fd;
	(void)what;

	if (p->child) {
		/* Reap; the pidfd says it is gone, so this does not block. */
		while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (status == -1)
		LOG_WARN("%s (pid %d) exited", p->name, (int)p->pid);
	else if (WIFSIGNALED(status))
		LOG_WARN("%s (pid %d) killed by signal %d", p->name, (int)p->pid, WTERMSIG(status));
	else
		LOG_WARN("%s (pid %d) exited with status %d", p->name, (int)p->pid,
		        WEXITSTATUS(status));
	event_free(p->ev);
	p->ev = NULL;
	close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
	p->child = false;
	if (p->cb)
		p->cb(p->arg, p, status);
}

static int watch(struct dpn_proc *p, pid_t pid, bool child)
{
	int fd = pidfd_open_(pid);
	if (fd < 0)
		return -errno;
	p->pid = pid;
	p->pidfd = fd;
	p->child = child;
	p->start_s = proc_start_s(pid);
	p->ev = event_new(p->base, fd, EV_READ, on_exit_ev, p);
	event_add(p->ev, NULL);
	return 0;
}

struct dpn_proc *dpn_proc_new(struct event_base *base, const char *name, const char *pidfile,
        const char *comm, dpn_proc_exit_cb cb, void *arg)
{
	struct dpn_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->base = base;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->pidfile, sizeof(p->pidfile), "%s", pidfile);
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->cb = cb;
	p->arg = arg;
	p->pidfd = -1;
	return p;
}

void dpn_proc_free(struct dpn_proc *p)
{
	if (!p)
		return;
	if (p->ev)
		event_free(p->ev);
	if (p->pidfd >= 0)
		close(p->pidfd);
	for (int i = 0; i < p->n_env; i++)
		free(p->env[i]);
	free(p);
}

void dpn_proc_setenv(struct dpn_proc *p, const char *key, const char *val)
{
	if (p->n_env < MAX_ENV && asprintf(&p->env[p->n_env], "%s=%s", key, val) >= 0)
		p->n_env++;
}

int dpn_proc_adopt(struct dpn_proc *p)
{
	char path[64], comm[32];
	long pid;

	if (p->pid)
		return 0;
	if (dpn_read_long(p->pidfile, &pid) < 0 || pid <= 1)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (dpn_read_file(path, comm, sizeof(comm)) < 0)
		return -ESRCH;
	comm[strcspn(comm, "\n")] = '\0';
	if (!proc_alive(pid))
		return -ESRCH; /* a zombie nobody reaped yet */
	if (strncmp(comm, p->comm, 15)) {
		LOG_INFO("%s: pidfile %s names pid %ld (%s), not ours", p->name, p->pidfile, pid,
		        comm);
		return -ESRCH;
	}
	if (watch(p, pid, false) < 0)
		return -ESRCH;
	LOG_INFO("%s: adopted running pid %ld", p->name, pid);
	return 0;
}

int dpn_proc_start(struct dpn_proc *p, char *const argv[], const char *out_path)
{
	pid_t pid;
	int ret;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul >= 0)
			dup2(nul, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* Own session: a Ctrl-C or a dpnoded crash must not take OVS down. */
		setsid();
		for (int i = 0; i < p->n_env; i++)
			putenv(p->env[i]);
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	ret = watch(p, pid, true);
	if (ret < 0) {
		LOG_ERR("%s: pidfd_open(%d): %s", p->name, (int)pid, strerror(-ret));
		return ret;
	}
	LOG_INFO("%s: started pid %d", p->name, (int)pid);
	return 0;
}

void dpn_proc_stop(struct dpn_proc *p, int timeout_ms)
{
	uint64_t deadline = dpn_now_ms() + timeout_ms;

	if (!p->pid)
		return;
	LOG_INFO("%s: stopping pid %d", p->name, (int)p->pid);
	kill(p->pid, SIGTERM);
	while (dpn_now_ms() < deadline) {
		if (p->child ? waitpid(p->pid, NULL, WNOHANG) == p->pid : kill(p->pid, 0) < 0)
			goto gone;
		usleep(20000);
	}
	LOG_WARN("%s: pid %d ignored SIGTERM, killing", p->name, (int)p->pid);
	kill(p->pid, SIGKILL);
	if (p->child)
		waitpid(p->pid, NULL, 0);
gone:
	if (p->ev) {
		event_free(p->ev);
		p->ev = NULL;
	}
	close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
}

const char *dpn_proc_name(const struct dpn_proc *p)
{
	return p->name;
}

pid_t dpn_proc_pid(const struct dpn_proc *p)
{
	return p->pid;
}

uint64_t dpn_proc_uptime_s(const struct dpn_proc *p)
{
	uint64_t now = boot_seconds();
	return p->pid && now > p->start_s ? now - p->start_s : 0;
}

unsigned dpn_proc_restarts(const struct dpn_proc *p)
{
	return p->restarts;
}

void dpn_proc_count_restart(struct dpn_proc *p)
{
	p->restarts++;
}

json_t *dpn_proc_status(const struct dpn_proc *p)
{
	pid_t pid = dpn_proc_pid(p);
	if (!pid)
		return json_pack("{s:n, s:i, s:I}", "pid", "uptime_s", 0, "restarts",
		        (json_int_t)dpn_proc_restarts(p));
	return json_pack("{s:i, s:I, s:I}", "pid", (int)pid, "uptime_s",
	        (json_int_t)dpn_proc_uptime_s(p), "restarts", (json_int_t)dpn_proc_restarts(p));
}
