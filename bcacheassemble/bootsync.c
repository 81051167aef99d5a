// SPDX-License-Identifier: GPL-2.0-or-later
#include "bootsync.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>


#define CHUNK (1024 * 1024)
#define EXTENTS 64

/* Read len bytes at off from fd into buf, all of them or -EIO. */
static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* The raw disk, past any page cache (bcache writes around it). */
static int open_raw(const char *raw)
{
	int fd = open(raw, O_RDONLY | O_CLOEXEC | O_DIRECT);

	if (fd >= 0 || errno != EINVAL)
		return fd < 0 ? -errno : fd;
	fd = open(raw, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return fd;
}

/* One extent: the file's bytes [logical, logical + len) against the disk. */
static int compare_extent(int ffd, int rfd, const struct fiemap_extent *fe,
			  uint64_t size, uint64_t offset, char *a, char *b,
			  uint64_t *bad)
{
	uint64_t end = fe->fe_logical + fe->fe_length;

	if (end > size)
		end = size;
	for (uint64_t pos = fe->fe_logical; pos < end; pos += CHUNK) {
		size_t want = end - pos < CHUNK ? (size_t)(end - pos) : CHUNK;
		/* whole 4 KiB blocks from the disk, for O_DIRECT */
		size_t rlen = (want + 4095) & ~(size_t)4095;
		uint64_t phys = offset + fe->fe_physical + (pos - fe->fe_logical);
		int r = read_full(ffd, a, want, pos);

		if (r == 0)
			r = read_full(rfd, b, rlen, phys);
		if (r < 0)
			return r;
		if (memcmp(a, b, want)) {
			size_t i = 0;

			while (a[i] == b[i])
				i++;
			*bad = pos + i;
			return -EIO;
		}
	}
	return 0;
}

static int verify_fds(int ffd, int rfd, uint64_t size, uint64_t offset,
		      uint64_t *bad)
{
	size_t fmsz = sizeof(struct fiemap) + EXTENTS * sizeof(struct fiemap_extent);
	struct fiemap *fm = malloc(fmsz);
	char *a = NULL, *b = NULL;
	uint64_t start = 0;
	bool last = false;
	int r = 0;

	if (!fm || !(a = malloc(CHUNK)) || posix_memalign((void **)&b, 4096, CHUNK)) {
		r = -ENOMEM;
		goto out;
	}
	while (!last && start < size && r == 0) {
		memset(fm, 0, fmsz);
		fm->fm_start = start;
		fm->fm_length = FIEMAP_MAX_OFFSET;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = EXTENTS;
		if (ioctl(ffd, FS_IOC_FIEMAP, fm) < 0) {
			r = errno == ENOTTY ? -EOPNOTSUPP : -errno;
			break;
		}
		if (fm->fm_mapped_extents == 0)
			break;
		for (unsigned i = 0; i < fm->fm_mapped_extents && r == 0; i++) {
			const struct fiemap_extent *fe = &fm->fm_extents[i];

			last = fe->fe_flags & FIEMAP_EXTENT_LAST;
			start = fe->fe_logical + fe->fe_length;
			if (fe->fe_flags & (FIEMAP_EXTENT_UNKNOWN |
					    FIEMAP_EXTENT_DELALLOC |
					    FIEMAP_EXTENT_ENCODED |
					    FIEMAP_EXTENT_DATA_INLINE |
					    FIEMAP_EXTENT_NOT_ALIGNED))
				r = -EOPNOTSUPP;
			else if (!(fe->fe_flags & FIEMAP_EXTENT_UNWRITTEN))
				r = compare_extent(ffd, rfd, fe, size, offset,
						   a, b, bad);
		}
	}
out:
	free(fm);
	free(a);
	free(b);
	return r;
}

int boot_verify_file(const char *file, const char *raw, uint64_t offset,
		     uint64_t *bad)
{
	int ffd, rfd, r;
	off_t size;

	*bad = 0;
	ffd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (ffd < 0)
		return -errno;
	rfd = open_raw(raw);
	if (rfd < 0) {
		close(ffd);
		return rfd;
	}
	size = lseek(ffd, 0, SEEK_END);
	r = size < 0 ? -errno : verify_fds(ffd, rfd, (uint64_t)size, offset, bad);
	close(rfd);
	close(ffd);
	return r;
}

int boot_list_files(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int n = 0;

	*out = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX], **p;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		p = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!p)
			break;
		v = p;
		if (!(v[n] = strdup(path)))
			break;
		n++;
	}
	closedir(d);
	/* and GRUB's configuration */
	if (!de) {
		char cfg[PATH_MAX], **p;
		struct stat st;

		snprintf(cfg, sizeof(cfg), "%.4000s/grub/grub.cfg", dir);
		if (lstat(cfg, &st) == 0 && S_ISREG(st.st_mode) &&
		    (p = realloc(v, (size_t)(n + 1) * sizeof(*v))) &&
		    (v = p, v[n] = strdup(cfg)))
			n++;
	}
	if (de) { /* stopped early: out of memory */
		boot_free_files(v, n);
		return -ENOMEM;
	}
	*out = v;
	return n;
}

void boot_free_files(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
