/*
 * libperfgate-quickack: the quick-ACK shim of perfgate's private Tor network.
 *
 * Preloaded (LD_PRELOAD) into the network's authorities, relays and exits,
 * never into the client under test. Linux delays an ACK on loopback by up to
 * 40 ms and C tor sets no TCP_NODELAY, so a small cell written while an earlier
 * one is unacknowledged waits for the peer's delayed ACK: that stall is the
 * instrument's, not the client's. This shim
 *   - sets TCP_NODELAY on every TCP socket the process makes or accepts, and
 *   - sets TCP_QUICKACK after every successful read from such a socket (Linux
 *     leaves quick-ACK mode on its own), which also sends a pending ACK at once.
 * It needs no privileges. Build: cc -O2 -shared -fPIC -o libperfgate-quickack.so quickack.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXFD 65536

/* tcp[fd] is 1 while fd is a TCP socket this process made or accepted. */
static unsigned char tcp[MAXFD];

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_read_chk)(int, void *, size_t, size_t);
static ssize_t (*real_recv_chk)(int, void *, size_t, size_t, int);
static int (*real_socket)(int, int, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_close)(int);

__attribute__((constructor)) static void init(void) {
	real_read = dlsym(RTLD_NEXT, "read");
	real_recv = dlsym(RTLD_NEXT, "recv");
	real_read_chk = dlsym(RTLD_NEXT, "__read_chk");
	real_recv_chk = dlsym(RTLD_NEXT, "__recv_chk");
	real_socket = dlsym(RTLD_NEXT, "socket");
	real_accept = dlsym(RTLD_NEXT, "accept");
	real_accept4 = dlsym(RTLD_NEXT, "accept4");
	real_close = dlsym(RTLD_NEXT, "close");
}

static void mark(int fd) {
	int one = 1;
	if (fd < 0 || fd >= MAXFD)
		return;
	tcp[fd] = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void quickack(int fd, ssize_t n) {
	int one = 1;
	if (n > 0 && fd >= 0 && fd < MAXFD && tcp[fd])
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

int socket(int domain, int type, int protocol) {
	int fd = real_socket(domain, type, protocol);
	if (fd >= 0 && fd < MAXFD) {
		tcp[fd] = 0;
		if ((domain == AF_INET || domain == AF_INET6) && (type & 0xf) == SOCK_STREAM)
			mark(fd);
	}
	return fd;
}

int accept(int s, struct sockaddr *addr, socklen_t *len) {
	int fd = real_accept(s, addr, len);
	if (fd >= 0 && fd < MAXFD) {
		tcp[fd] = 0;
		if (s >= 0 && s < MAXFD && tcp[s])
			mark(fd);
	}
	return fd;
}

int accept4(int s, struct sockaddr *addr, socklen_t *len, int flags) {
	int fd = real_accept4(s, addr, len, flags);
	if (fd >= 0 && fd < MAXFD) {
		tcp[fd] = 0;
		if (s >= 0 && s < MAXFD && tcp[s])
			mark(fd);
	}
	return fd;
}

int close(int fd) {
	if (fd >= 0 && fd < MAXFD)
		tcp[fd] = 0;
	return real_close(fd);
}

ssize_t read(int fd, void *buf, size_t n) {
	ssize_t r = real_read(fd, buf, n);
	quickack(fd, r);
	return r;
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
	ssize_t r = real_recv(fd, buf, n, flags);
	quickack(fd, r);
	return r;
}

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) {
	ssize_t r = real_read_chk(fd, buf, n, buflen);
	quickack(fd, r);
	return r;
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags) {
	ssize_t r = real_recv_chk(fd, buf, n, buflen, flags);
	quickack(fd, r);
	return r;
}
