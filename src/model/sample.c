/* sample.c — events from a model file (see sample.h). */
#include "model/sample.h"

#include <stdlib.h>
#include <string.h>

#include "model/net.h"
#include "model/transform.h"

int sampler_init(Sampler *s, const GtmModel *m)
{
    memset(s, 0, sizeof *s);
    s->m = m;
    const size_t B = SAMPLE_BLOCK, nz = (size_t)m->nnoise, no = (size_t)m->nout;
    s->zblock = malloc(B * nz * sizeof *s->zblock);
    s->z = malloc(B * nz * sizeof *s->z);
    s->in = malloc(B * (size_t)(m->ncond + m->nnoise) * sizeof *s->in);
    s->work = malloc((size_t)net_infer_floats(&m->G.lay, SAMPLE_BLOCK) * sizeof *s->work);
    s->y = malloc(B * no * sizeof *s->y);
    s->ev = malloc(B * no * sizeof *s->ev);
    s->oscale = malloc((no + (size_t)m->ncond + 1) * sizeof *s->oscale);
    if (!s->zblock || !s->z || !s->in || !s->work || !s->y || !s->ev || !s->oscale) {
        sampler_free(s);
        return -1;
    }
    s->cscale = s->oscale + no;
    for (int j = 0; j < m->nout; j++)
        s->oscale[j] = m->out_hi[j] > m->out_lo[j] ? m->out_hi[j] - m->out_lo[j] : 1.0;
    for (int j = 0; j < m->ncond; j++)
        s->cscale[j] = m->cond_hi[j] > m->cond_lo[j] ? m->cond_hi[j] - m->cond_lo[j] : 1.0;
    sampler_seed(s, 0);
    return 0;
}

void sampler_free(Sampler *s)
{
    free(s->zblock), free(s->z), free(s->in), free(s->work), free(s->y), free(s->ev);
    free(s->oscale);
    memset(s, 0, sizeof *s);
}

void sampler_seed(Sampler *s, uint64_t seed)
{
    rng_seed2(&s->rng, seed, SAMPLE_STREAM);
    s->zused = SAMPLE_BLOCK;
}

void sampler_noise(Sampler *s, size_t rows, float *z)
{
    const size_t nz = (size_t)s->m->nnoise;
    while (rows > 0) {
        if (s->zused == SAMPLE_BLOCK) {
            rng_normal_fill(&s->rng, s->zblock, (size_t)SAMPLE_BLOCK * nz);
            s->zused = 0;
        }
        size_t k = (size_t)(SAMPLE_BLOCK - s->zused);
        if (k > rows) k = rows;
        memcpy(z, s->zblock + (size_t)s->zused * nz, k * nz * sizeof *z);
        s->zused += (int)k, z += k * nz, rows -= k;
    }
}

void sampler_inputs(Sampler *s, int b, const double *cond, const float *z)
{
    const GtmModel *m = s->m;
    const int nc = m->ncond, nz = m->nnoise, ngi = nc + nz;
    for (int i = 0; i < b; i++) {
        float *row = s->in + (size_t)i * ngi;
        for (int j = 0; j < nc; j++)
            row[j] = (float)(2.0 * (cond[(size_t)i * nc + j] - m->cond_lo[j]) / s->cscale[j] - 1.0);
        memcpy(row + nc, z + (size_t)i * nz, (size_t)nz * sizeof *z);
    }
}

void sampler_outputs(const Sampler *s, int b, const float *y, double *ev)
{
    const int no = s->m->nout;
    for (int i = 0; i < b; i++)
        for (int j = 0; j < no; j++) {
            size_t k = (size_t)i * no + j;
            if (s->m->range01)
                ev[k] = y[k] * s->oscale[j] + s->m->out_lo[j];
            else
                ev[k] = (y[k] + 1.0) * 0.5 * s->oscale[j] + s->m->out_lo[j];
            if (s->m->out_tf) ev[k] = tf_inv(&s->m->out_tf[j], ev[k]);   /* physical units */
        }
}

void sampler_run(Sampler *s, int b, const double *cond, const float *z, double *ev)
{
    sampler_inputs(s, b, cond, z);
    net_fwd_infer(&s->m->G, b, s->in, s->work, s->y);   /* tanh included */
    sampler_outputs(s, b, s->y, ev);
}
