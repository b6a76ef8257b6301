/* metrics internals: the text writer shared by the render files. */
#ifndef DPN_METRICS_PRIV_H
#define DPN_METRICS_PRIV_H

#include <jansson.h>
#include <stdio.h>

/* One label set, escaped as the format wants (\\, \", \n). */
struct mlabels {
	char s[1024];
	size_t n;
};

void mlbl(struct mlabels *l, const char *k, const char *v); /* v NULL: no label */
void mlbl_int(struct mlabels *l, const char *k, json_int_t v);
void mfamily(FILE *f, const char *name, const char *type, const char *help);
void msample(FILE *f, const char *name, const struct mlabels *l, double v); /* NaN: none */
double mnum(json_t *v);                  /* number or boolean, else NaN */
double mat(json_t *o, const char *path); /* "a.b.c" */
void mscalar(FILE *f, json_t *st, const char *name, const char *type, const char *path,
        const char *help);

void dpn_metrics_render_ports(FILE *f, json_t *st);
void dpn_metrics_render_pmd(FILE *f, json_t *pmd);
void dpn_metrics_render_services(FILE *f, json_t *st);

#endif
