/* doctor internals: one function per check, shared helpers. */
#ifndef DPN_DOCTOR_PRIV_H
#define DPN_DOCTOR_PRIV_H

#include <stddef.h>

#include "dpn_doctor.h"

typedef void (*doctor_check_fn)(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);

/* fills f (result, then printf-style saw, then fix) */
void doc_set(struct dpn_doctor_finding *f, enum dpn_doctor_result r, const char *fix,
        const char *saw_fmt, ...) __attribute__((format(printf, 4, 5)));
/* <root><path> into buf (first line, no newline); 0 or -errno */
int doc_read(const struct dpn_doctor_env *e, const char *path, char *buf, size_t len);
int doc_path(const struct dpn_doctor_env *e, const char *path, char *buf, size_t len);

void doc_iommu(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_vfio(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_hugepages(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_pmd_cores(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_propagation(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_socket_dir(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_pmds(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_offload(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_network_manager(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);
void doc_versions(const struct dpn_doctor_env *e, struct dpn_doctor_finding *f);

#endif
