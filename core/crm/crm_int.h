/*
 * core/crm/crm_int.h -- private to core/crm/: its tables, indexes and record codecs.
 */
#ifndef SD_CRM_INT_H
#define SD_CRM_INT_H

#include "core/crm/crm_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_CUSTOMER = SD_T_CRM, T_NOTE, T_REMINDER, T_TICKET, T_IMPORT };
/* Customer index keys end in the id, so each key is unique and a page
 * anchor is the whole key. */
enum { IX_CUST_PHONE, IX_CUST_NAME, IX_CUST_OWNER, IX_CUST_CITY,
    IX_CUST_CLASS, IX_CUST_TAG, IX_CUST_CONTACT, IX_CUST_IMPORT };
enum { IX_REM_DUE, IX_REM_CUSTOMER };
enum { IX_TICKET_HANDLER, IX_TICKET_CUSTOMER };

#define POOL_KEY "-"	/* the owner index's key for the shared pool */

/* Record codecs.  A customer's service-password hash is in its record
 * only, never in a struct sd_customer: encode writes svc_pwhash there;
 * decode leaves it out, _hash copies it (size bytes) for customer.c. */
void	customer_encode(const struct sd_customer *c, const char *svc_pwhash,
	    struct sd_buf *b);
int	customer_decode(const void *p, size_t n, struct sd_customer *c);
int	customer_decode_hash(const void *p, size_t n, struct sd_customer *c,
	    char *svc_pwhash, size_t size);
/* Write c with the service password's hash svc_pwhash ("" for a new
 * customer; customer_store keeps the stored one). */
int	customer_put(struct sd_txn *t, const struct sd_customer *c,
	    const char *svc_pwhash, struct sd_err *err);
void	reminder_encode(const struct sd_reminder *r, struct sd_buf *b);
int	reminder_decode(const void *p, size_t n, struct sd_reminder *r);
void	ticket_encode(const struct sd_ticket *t, struct sd_buf *b);
int	ticket_decode(const void *p, size_t n, struct sd_ticket *t);
/* A ticket by id (SD_ENOTFOUND naming it); stored, its handlers told. */
int	ticket_load(struct sd_txn *t, uint64_t id, struct sd_ticket *tk,
	    int rmw, struct sd_err *err);
int	ticket_store(struct sd_txn *t, const struct sd_ticket *tk,
	    struct sd_err *err);
void	note_encode(const struct sd_note *n, struct sd_buf *b);
int	note_decode(const void *p, size_t len, struct sd_note *n);

/* One customer import (import.c): the row of T_IMPORT. */
enum { IMP_RUNNING = 0, IMP_DONE = 1, IMP_FAILED = 2 };
struct imp {
	uint64_t id;
	char	 file[256];
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 started;
	int	 status;
	long	 count;
	long	 pid;
};
int	imp_store(struct sd_txn *t, const struct imp *m, struct sd_err *err);
int	imp_decode(const void *p, size_t n, struct imp *m);
/* Check and apply fields to c (name, phones...); err names the field. */
int	customer_apply(struct sd_core *core, const struct sd_cust_fields *f,
	    struct sd_customer *c, struct sd_err *err);

/* Shared by customer.c and customer_page.c (defined in customer.c). */
/* The one customer called k (SD_EINVAL when several, SD_ENOTFOUND). */
int	customer_name_resolve(struct sd_txn *t, const char *k, uint64_t *id,
	    struct sd_err *err);
/* 1 if s has a digit: a key with none is a name. */
int	has_digit(const char *s);
/* A phone as typed into its digits (strict: one to store). */
int	phone_normalize(const char *in, char *out, size_t size, int strict,
	    struct sd_err *err);

#endif
