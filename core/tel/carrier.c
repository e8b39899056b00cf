/*
 * carrier.c -- which carrier a number or a network name belongs to
 * (mobile, unicom, telecom): dialling picks a SIM of the callee's carrier.
 */
#include <string.h>
#include <strings.h>

#include "core/tel/tel_int.h"

/* ---------------------------------------------------------------- carriers */

const char *
sd_carrier_of_number(const char *number)
{
	static const struct { const char *p; const char *c; } pre[] = {
		{ "134", "mobile" }, { "135", "mobile" }, { "136", "mobile" },
		{ "137", "mobile" }, { "138", "mobile" }, { "139", "mobile" },
		{ "147", "mobile" }, { "150", "mobile" }, { "151", "mobile" },
		{ "152", "mobile" }, { "157", "mobile" }, { "158", "mobile" },
		{ "159", "mobile" }, { "172", "mobile" }, { "178", "mobile" },
		{ "182", "mobile" }, { "183", "mobile" }, { "184", "mobile" },
		{ "187", "mobile" }, { "188", "mobile" }, { "195", "mobile" },
		{ "197", "mobile" }, { "198", "mobile" },
		{ "130", "unicom" }, { "131", "unicom" }, { "132", "unicom" },
		{ "145", "unicom" }, { "155", "unicom" }, { "156", "unicom" },
		{ "166", "unicom" }, { "175", "unicom" }, { "176", "unicom" },
		{ "185", "unicom" }, { "186", "unicom" }, { "196", "unicom" },
		{ "133", "telecom" }, { "149", "telecom" }, { "153", "telecom" },
		{ "173", "telecom" }, { "177", "telecom" }, { "180", "telecom" },
		{ "181", "telecom" }, { "189", "telecom" }, { "190", "telecom" },
		{ "191", "telecom" }, { "193", "telecom" }, { "199", "telecom" },
	};
	const char *d = number;

	if (strncmp(d, "+86", 3) == 0)
		d += 3;
	else if (strncmp(d, "0086", 4) == 0)
		d += 4;
	if (strlen(d) != 11)
		return "";
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(d, pre[i].p, 3) == 0)
			return pre[i].c;
	return "";
}

const char *
sd_carrier_of_name(const char *name)
{
	if (strcasestr(name, "MOBILE") != NULL || strstr(name, "移动") != NULL ||
	    strncmp(name, "46000", 5) == 0)
		return "mobile";
	if (strcasestr(name, "UNICOM") != NULL || strstr(name, "联通") != NULL)
		return "unicom";
	if (strcasestr(name, "TELECOM") != NULL || strcasestr(name, "CTCC") ||
	    strstr(name, "电信") != NULL)
		return "telecom";
	return "";
}
