/*
 * record.c -- call recording: a modem's voice port gives 8 kHz 16-bit
 * little-endian PCM while a call is up (Huawei ^DDSETEX=2; the simulator
 * likewise); we write it as G.711 A-law WAV with libsndfile, to
 * DATADIR/recordings/<call id>.wav.part, renamed to .wav when the call
 * ends, so a reader never sees half a file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "drivers/drivers_int.h"

struct drv_rec {
	SNDFILE		*sf;
	char		 part[SD_PATH_MAX + 112];
	char		 path[SD_PATH_MAX + 96];
	char		 name[64];
	unsigned char	 carry;		/* an odd byte read last time */
	int		 have_carry;
	long		 samples;
};

int
drv_rec_start(const char *data_dir, uint64_t call, struct drv_rec **out,
    struct sd_err *err)
{
	struct drv_rec *r = xcalloc(1, sizeof *r);
	char dir[SD_PATH_MAX];
	SF_INFO info;

	*out = NULL;
	snprintf(dir, sizeof dir, "%s/recordings", data_dir);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		free(r);
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", dir, strerror(errno));
	}
	snprintf(r->name, sizeof r->name, "%llu.wav", (unsigned long long)call);
	snprintf(r->path, sizeof r->path, "%s/%s", dir, r->name);
	snprintf(r->part, sizeof r->part, "%s.part", r->path);
	memset(&info, 0, sizeof info);
	info.samplerate = 8000;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_ALAW;
	if ((r->sf = sf_open(r->part, SFM_WRITE, &info)) == NULL) {
		sd_err_set(err, SD_EINTERNAL, "%s: %s", r->part, sf_strerror(NULL));
		free(r);
		return SD_EINTERNAL;
	}
	*out = r;
	return SD_OK;
}

void
drv_rec_pcm(struct drv_rec *r, const void *p, size_t n)
{
	const unsigned char *b = p;
	short s[512];
	size_t k = 0;

	if (r == NULL)
		return;
	while (n > 0) {
		unsigned lo, hi;

		if (r->have_carry) {
			lo = r->carry;
			r->have_carry = 0;
		} else {
			lo = *b++;
			n--;
			if (n == 0) {
				r->carry = (unsigned char)lo;
				r->have_carry = 1;
				break;
			}
		}
		hi = *b++;
		n--;
		s[k++] = (short)(int16_t)(uint16_t)(lo | hi << 8);
		if (k == sizeof s / sizeof s[0]) {
			r->samples += (long)sf_write_short(r->sf, s, (sf_count_t)k);
			k = 0;
		}
	}
	if (k > 0)
		r->samples += (long)sf_write_short(r->sf, s, (sf_count_t)k);
}

int
drv_rec_finish(struct drv_rec *r, char *name, size_t size, long *seconds,
    struct sd_err *err)
{
	int st = SD_OK;

	if (r == NULL)
		return sd_err_set(err, SD_ENOTFOUND, "no recording");
	if (sf_close(r->sf) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", r->part, sf_strerror(NULL));
	else if (r->samples == 0) {
		unlink(r->part);
		st = sd_err_set(err, SD_ENOTFOUND, "no audio came from the "
		    "voice port");
	} else if (rename(r->part, r->path) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", r->path, strerror(errno));
	if (st == SD_OK) {
		sd_strlcpy(name, r->name, size);
		*seconds = r->samples / 8000;
	} else
		unlink(r->part);
	free(r);
	return st;
}
