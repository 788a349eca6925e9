/* net.c — layer lists, their parameter layout and the CPU walker (see net.h). */
#include "model/net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/nn.h"

static NetLayer *push(NetLayout *lay, NetKind kind, int nout)
{
    /* past NET_MAX_LAYERS the list is marked invalid (n above the cap) for net_layout */
    if (lay->n >= NET_MAX_LAYERS) {
        lay->n = NET_MAX_LAYERS + 1;
        return NULL;
    }
    int nin = lay->n ? lay->L[lay->n - 1].nout : lay->nin;
    NetLayer *l = &lay->L[lay->n++];
    *l = (NetLayer){.kind = kind, .nin = nin, .nout = nout, .p0 = -1, .p1 = -1, .s0 = -1};
    return l;
}

static int width(const NetLayout *lay) { return lay->n ? lay->L[lay->n - 1].nout : lay->nin; }

void net_begin(NetLayout *lay, int nin)
{
    memset(lay, 0, sizeof *lay);
    lay->nin = nin;
}

void net_dense(NetLayout *lay, int nout, int bias)
{
    NetLayer *l = push(lay, NET_DENSE, nout);
    if (l) l->bias = bias;
}

void net_batchnorm(NetLayout *lay) { push(lay, NET_BATCHNORM, width(lay)); }

void net_leaky(NetLayout *lay, float slope)
{
    NetLayer *l = push(lay, NET_LEAKY, width(lay));
    if (l) l->slope = slope;
}

void net_tanh(NetLayout *lay) { push(lay, NET_TANH, width(lay)); }

void net_conv(NetLayout *lay, NnConv g, int transposed, int oph, int opw)
{
    int bad = transposed ? nn_convt_geom(&g, oph, opw) : nn_conv_geom(&g);
    if (bad) g.oh = g.ow = 0;
    NetLayer *l = push(lay, transposed ? NET_CONVT : NET_CONV, bad ? 0 : g.cout * g.oh * g.ow);
    if (l) l->conv = g, l->bias = 1;
}

/* layers with weights and an output buffer of their own */
static int weighted(NetKind k) { return k == NET_DENSE || k == NET_CONV || k == NET_CONVT; }

int64_t net_conv_work(const NetLayout *lay)
{
    int64_t m = 0;
    for (int i = 0; i < lay->n; i++)
        if (lay->L[i].kind == NET_CONV || lay->L[i].kind == NET_CONVT) {
            int64_t w = (int64_t)nn_conv_work(&lay->L[i].conv);
            if (w > m) m = w;
        }
    return m;
}

const char *net_layout(NetLayout *lay)
{
    if (lay->n > NET_MAX_LAYERS) return "more layers than NET_MAX_LAYERS";
    if (lay->n < 1 || !weighted(lay->L[0].kind))
        return "the first layer must be dense or a convolution";
    if (lay->nin < 1) return "the input needs at least one feature";
    int64_t p = 0, s = 0, ref = 0;
    int last_dense = 0;
    for (int i = 0; i < lay->n; i++) {
        NetLayer *l = &lay->L[i];
        if ((l->kind == NET_CONV || l->kind == NET_CONVT) && l->conv.oh < 1)
            return "a convolution's kernel, stride or padding does not fit its input";
        if (l->nout < 1) return "a layer needs at least one output feature";
        l->p0 = l->p1 = l->s0 = -1;
        switch (l->kind) {
        case NET_DENSE:
            l->p0 = p, p += (int64_t)l->nin * l->nout;
            if (l->bias)
                l->p1 = p, p += l->nout;
            else if (i + 1 >= lay->n || lay->L[i + 1].kind != NET_BATCHNORM)
                return "a dense layer without bias must be followed by batch norm";
            else
                ref += l->nout;   /* the reference's Linear keeps the cancelled bias */
            last_dense = i;
            break;
        case NET_BATCHNORM:
            l->p0 = p, l->p1 = p + l->nout, p += 2 * (int64_t)l->nout;
            l->s0 = s, s += 2 * (int64_t)l->nout;
            break;
        case NET_CONV:
        case NET_CONVT:
            if (l->conv.cin * l->conv.h * l->conv.w != l->nin)
                return "a convolution's input planes are not the previous layer's width";
            l->p0 = p, p += (int64_t)l->conv.cout * l->conv.cin * l->conv.kh * l->conv.kw;
            l->p1 = p, p += l->conv.cout;
            last_dense = i;
            break;
        case NET_LEAKY:
        case NET_TANH:
            break;
        default:
            return "unknown layer kind";
        }
    }
    lay->nout = lay->L[lay->n - 1].nout;
    lay->wmax = 0;
    for (int i = 0; i < last_dense; i++)
        if (weighted(lay->L[i].kind) && lay->L[i].nout > lay->wmax) lay->wmax = lay->L[i].nout;
    lay->nparams = p, lay->nstate = s, lay->nparams_ref = p + ref;
    return NULL;
}

void net_init(Net *net, const NetLayout *lay)
{
    net->lay = *lay;
    const char *why = net_layout(&net->lay);
    if (why) die(EXIT_RUNTIME, "invalid network: %s", why);
    net->p = xcalloc((size_t)net->lay.nparams + 1, sizeof *net->p);
    net->st = xcalloc((size_t)net->lay.nstate + 1, sizeof *net->st);
    net->pb = NULL;   /* net_bf16_enable */
}

void net_free(Net *net)
{
    free(net->p);
    free(net->st);
    free(net->pb);
    memset(net, 0, sizeof *net);
}

void net_glorot(Net *net, Rng *rng)
{
    const NetLayout *lay = &net->lay;
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        if (l->kind == NET_DENSE) nn_glorot_uniform(l->nin, l->nout, net->p + l->p0, rng);
        if (l->kind == NET_CONV || l->kind == NET_CONVT) {
            /* Glorot over the fans of one output and one input pixel: cin kh kw, cout kh kw */
            const NnConv *g = &l->conv;
            const int kk = g->kh * g->kw;
            const double a = sqrt(6.0 / (double)((g->cin + g->cout) * kk));
            for (int64_t j = 0; j < (int64_t)g->cout * g->cin * kk; j++)
                net->p[l->p0 + j] = (float)((2.0 * rng_uniform(rng) - 1.0) * a);
        }
    }
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        if (weighted(l->kind) && l->p1 >= 0)   /* a convolution's bias is per plane */
            memset(net->p + l->p1, 0,
                   (size_t)(l->kind == NET_DENSE ? l->nout : l->conv.cout) * sizeof *net->p);
        if (l->kind == NET_BATCHNORM)
            for (int j = 0; j < l->nout; j++) {
                net->p[l->p0 + j] = 1.0f, net->p[l->p1 + j] = 0.0f;
                net->st[l->s0 + j] = 0.0f, net->st[l->s0 + l->nout + j] = 1.0f;
            }
    }
}

/* ---- caches ---- */

static float *own(NetCache *c, NetAlloc alloc, void *ctx, size_t n)
{
    float *p = alloc(ctx, n ? n : 1);
    c->own[c->nown++] = p;
    return p;
}

static float *host_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return xcalloc(n, sizeof(float));
}

/* Layers 0-1 as nn_dense_bn_act (see net.h): a bias-free first dense layer with few inputs. */
static int fusable_first(const NetLayout *lay)
{
    return lay->L[0].kind == NET_DENSE && !lay->L[0].bias && lay->L[0].nin <= NN_FEW_IN &&
           lay->n > 1 && lay->L[1].kind == NET_BATCHNORM;
}

void net_cache_plan(NetCache *c, const NetLayout *lay, int rows, int groups, NetAlloc alloc,
                    void *ctx)
{
    const size_t R = (size_t)rows;
    memset(c, 0, sizeof *c);
    c->rows = rows, c->groups = groups;
    /* one buffer per dense output (in-place layers share it): bid[k] is act[k]'s buffer;
     * a gradient buffer for each but the last (its gradient is the caller's dout) */
    int bid[NET_MAX_LAYERS + 1], bnmax = 1;
    bid[0] = 0;
    c->act[0] = own(c, alloc, ctx, R * (size_t)lay->nin);
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        bid[i + 1] = bid[i] + weighted(l->kind);
        c->act[i + 1] = weighted(l->kind) ? own(c, alloc, ctx, R * (size_t)l->nout) : c->act[i];
        if (l->kind == NET_BATCHNORM) {
            c->xhat[i] = own(c, alloc, ctx, R * (size_t)l->nout);
            c->mean[i] = own(c, alloc, ctx, 2 * (size_t)groups * l->nout);
            c->inv[i] = c->mean[i] + (size_t)groups * l->nout;
            if (l->nout > bnmax) bnmax = l->nout;
        }
    }
    const int last = bid[lay->n];
    float *gbuf[NET_MAX_LAYERS + 1] = {0};
    gbuf[0] = own(c, alloc, ctx, R * (size_t)lay->nin);
    for (int i = 0; i < lay->n; i++)
        if (weighted(lay->L[i].kind) && bid[i + 1] < last)
            gbuf[bid[i + 1]] = own(c, alloc, ctx, R * (size_t)lay->L[i].nout);
    for (int k = 0; k <= lay->n; k++) c->grad[k] = bid[k] < last ? gbuf[bid[k]] : NULL;
    c->dg = own(c, alloc, ctx, 2 * (size_t)bnmax);
    c->db = c->dg + bnmax;
    if (net_conv_work(lay)) c->cwork = own(c, alloc, ctx, (size_t)net_conv_work(lay));
}

void net_cache_init(NetCache *c, const Net *net, int rows, int groups)
{
    const NetLayout *lay = &net->lay;
    net_cache_plan(c, lay, rows, groups, host_alloc, NULL);
    c->fused_first = fusable_first(lay);
    if (c->fused_first) {
        size_t nin = (size_t)lay->nin;
        c->xmom = own(c, host_alloc, NULL, (size_t)groups * (nin + nin * nin));
        c->work = own(c, host_alloc, NULL, nin * (size_t)lay->L[0].nout);
    }
}

void net_cache_free(NetCache *c)
{
    for (int k = 0; k < c->nown; k++) free(c->own[k]);
    for (int k = 0; k < c->nownb; k++) free(c->ownb[k]);
    memset(c, 0, sizeof *c);
}

/* ---- bf16 ---- */

int net_dense_bf16(const NetLayout *lay, int i, int fused_first)
{
    return lay->L[i].kind == NET_DENSE && lay->L[i].nout > NN_SMALL_OUT &&
           !(i == 0 && fused_first);
}

void net_bf16_enable(Net *net)
{
    if (!net->pb) net->pb = xcalloc((size_t)net->lay.nparams + 1, sizeof *net->pb);
    net_bf16_sync(net);
}

void net_bf16_sync(Net *net) { bf16_from_f32(net->lay.nparams, net->p, net->pb); }

void net_cache_bf16(NetCache *c, const Net *net, Bf16Ctx *ctx)
{
    const NetLayout *lay = &net->lay;
    const size_t R = (size_t)c->rows;
    c->bf = ctx;
    for (int i = 0; i < lay->n; i++)
        if (net_dense_bf16(lay, i, c->fused_first)) {
            c->actb[i] = c->ownb[c->nownb++] = xcalloc(R * (size_t)lay->L[i].nin, 2);
            c->gradb[i] = c->ownb[c->nownb++] = xcalloc(R * (size_t)lay->L[i].nout, 2);
        }
}

void net_bf16_prepare(const Net *net, const NetCache *c, int rows, int dx, int dW)
{
    const NetLayout *lay = &net->lay;
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        if (!net_dense_bf16(lay, i, c->fused_first)) continue;
        bf16_gemm_prepare(c->bf, rows, l->nout, l->nin, 0, 0, l->p1 >= 0);
        if (dx && i > 0) bf16_gemm_prepare(c->bf, rows, l->nin, l->nout, 0, 1, 0);
        if (dW) bf16_gemm_prepare(c->bf, l->nin, l->nout, rows, 1, 0, 0);
    }
}

/* ---- the walker ---- */

/* Batch norm at layer i runs fused with a LeakyReLU right after it (slope 1: alone). Returns
 * the layers it covers. */
static int bn_span(const NetLayout *lay, int i, float *slope)
{
    if (i + 1 < lay->n && lay->L[i + 1].kind == NET_LEAKY) {
        *slope = lay->L[i + 1].slope;
        return 2;
    }
    *slope = 1.0f;
    return 1;
}

void net_fwd_train(Net *net, NetCache *c, int B, int groups, int update_running)
{
    const NetLayout *lay = &net->lay;
    const int R = B * groups;
    float *p = net->p;
    int i = 0;
    int fresh = 0;   /* bf16: actb[i] already written by the pass before (fused) */
    if (c->fused_first) {   /* the first block without forming x W (nn.h) */
        const NetLayer *d = &lay->L[0], *bn = &lay->L[1];
        float slope;
        const int span = bn_span(lay, 1, &slope), nin = d->nin, w = d->nout;
        const size_t gs = (size_t)B * w;
        float *rm = update_running ? net->st + bn->s0 : NULL;
        float *rv = update_running ? net->st + bn->s0 + w : NULL;
        i = 1 + span;
        uint16_t *ab = i < lay->n ? c->actb[i] : NULL;   /* the next GEMM's bf16 input */
        for (int g = 0; g < groups; g++)
            nn_dense_bn_act_fwd_bf16(B, nin, w, c->act[0] + (size_t)g * B * nin, p + d->p0,
                                     p + bn->p0, p + bn->p1, slope, c->act[1] + g * gs,
                                     c->xhat[1] + g * gs,
                                     c->xmom + (size_t)g * (nin + nin * nin), c->inv[1] + g * w,
                                     rm, rv, ab ? ab + g * gs : NULL);
        fresh = ab != NULL;
    }
    while (i < lay->n) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        switch (l->kind) {
        case NET_DENSE:
            if (c->actb[i]) {
                if (!fresh) bf16_from_f32((int64_t)R * l->nin, c->act[i], c->actb[i]);
                nn_dense_fwd_bf16(c->bf, R, l->nin, n, c->actb[i], net->pb + l->p0,
                                  l->p1 >= 0 ? p + l->p1 : NULL, c->act[i + 1]);
            } else {
                nn_dense_fwd(R, l->nin, n, c->act[i], p + l->p0, l->p1 >= 0 ? p + l->p1 : NULL,
                             c->act[i + 1]);
            }
            fresh = 0;
            i++;
            break;
        case NET_BATCHNORM: {
            float slope;
            const int span = bn_span(lay, i, &slope);
            const size_t gs = (size_t)B * n;
            float *rm = update_running ? net->st + l->s0 : NULL;
            float *rv = update_running ? net->st + l->s0 + n : NULL;
            uint16_t *hb = i + span < lay->n ? c->actb[i + span] : NULL;
            for (int g = 0; g < groups; g++)
                nn_bn_act_train_fwd_bf16(B, n, c->act[i] + g * gs, p + l->p0, p + l->p1, slope,
                                         c->xhat[i] + g * gs, c->mean[i] + g * n,
                                         c->inv[i] + g * n, rm, rv, hb ? hb + g * gs : NULL);
            i += span;
            fresh = hb != NULL;
            break;
        }
        case NET_LEAKY:
            nn_leaky_fwd((int64_t)R * n, c->act[i], l->slope);
            fresh = 0;
            i++;
            break;
        case NET_TANH:
            nn_tanh_fwd((int64_t)R * n, c->act[i]);
            fresh = 0;
            i++;
            break;
        case NET_CONV:
        case NET_CONVT:   /* float32 also under bf16 */
            (l->kind == NET_CONV ? nn_conv2d_fwd : nn_convt2d_fwd)(&l->conv, R, c->act[i], p + l->p0,
                                                                   p + l->p1, c->act[i + 1], c->cwork);
            fresh = 0;
            i++;
            break;
        }
    }
}

/* Batch-norm parameter gradients summed over groups into dgam/dbet: group g's backward writes
 * to *pg and *pb (dgam/dbet for the first group; the cache's scratch for the others, and for all
 * when they are not wanted), then bn_grads_add adds the scratch in. */
static void bn_grad_targets(NetCache *c, int g, float *dgam, float *dbet, float **pg,
                            float **pb)
{
    int first = dgam && g == 0;
    *pg = first ? dgam : c->dg, *pb = first ? dbet : c->db;
}

static void bn_grads_add(const NetCache *c, int g, int w, float *dgam, float *dbet)
{
    if (dgam && g > 0)
        for (int j = 0; j < w; j++) dgam[j] += c->dg[j], dbet[j] += c->db[j];
}

/* Batch-norm (+ activation) backward over `groups` groups, in place on da. */
static void bn_bwd_groups(NetCache *c, int B, int groups, int w, float *da, const float *xh,
                          const float *gamma, const float *beta, const float *inv, float slope,
                          float *dgam, float *dbet, uint16_t *dhb)
{
    size_t gs = (size_t)B * w;
    for (int g = 0; g < groups; g++) {
        float *pg, *pb;
        bn_grad_targets(c, g, dgam, dbet, &pg, &pb);
        nn_bn_act_train_bwd_bf16(B, w, da + g * gs, xh + g * gs, gamma, beta, inv + g * w, slope,
                                 pg, pb, dhb ? dhb + g * gs : NULL);
        bn_grads_add(c, g, w, dgam, dbet);
    }
}

void net_bwd(Net *net, NetCache *c, int B, int groups, float *dout, float *grad, int ndx)
{
    const NetLayout *lay = &net->lay;
    const int R = B * groups;
    const float *p = net->p;
    /* gradient pointers at the same offsets as the parameters */
#define GP(off) (grad && (off) >= 0 ? grad + (off) : NULL)
    float *d = dout;
    int i = lay->n - 1;
    int fresh = 0;   /* bf16: gradb of the dense layer below already written (fused) */
    while (i >= 0) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        const int bn = l->kind == NET_BATCHNORM ? i
                       : l->kind == NET_LEAKY && i > 0 && lay->L[i - 1].kind == NET_BATCHNORM
                           ? i - 1
                           : -1;
        if (bn >= 0) {
            const NetLayer *b = &lay->L[bn];
            float slope;
            bn_span(lay, bn, &slope);
            if (bn == 1 && c->fused_first && !ndx) {
                /* parameter gradients of the first block without forming dh (nn.h) */
                const NetLayer *dl = &lay->L[0];
                const int nin = dl->nin;
                const size_t gs = (size_t)B * n;
                for (int g = 0; g < groups; g++) {
                    float *pg, *pb;
                    bn_grad_targets(c, g, GP(b->p0), GP(b->p1), &pg, &pb);
                    nn_dense_bn_act_bwd(B, nin, n, c->act[0] + (size_t)g * B * nin, p + dl->p0,
                                        d + g * gs, c->xhat[1] + g * gs, p + b->p0, p + b->p1,
                                        c->xmom + (size_t)g * (nin + nin * nin),
                                        c->inv[1] + g * n, slope, GP(dl->p0), g > 0, c->work,
                                        pg, pb);
                    bn_grads_add(c, g, n, GP(b->p0), GP(b->p1));
                }
                break;
            }
            uint16_t *dhb = bn > 0 ? c->gradb[bn - 1] : NULL;
            bn_bwd_groups(c, B, groups, n, d, c->xhat[bn], p + b->p0, p + b->p1, c->inv[bn],
                          slope, GP(b->p0), GP(b->p1), dhb);
            fresh = dhb != NULL;
            i = bn - 1;
            continue;
        }
        switch (l->kind) {
        case NET_LEAKY:
            nn_leaky_bwd((int64_t)R * n, c->act[i + 1], d, l->slope);
            fresh = 0;
            break;
        case NET_TANH:
            nn_tanh_bwd((int64_t)R * n, c->act[i + 1], d);
            fresh = 0;
            break;
        case NET_DENSE:
            if (c->gradb[i]) {   /* bf16 GEMMs; the input gradient of the first ndx columns
                                  * of layer 0 stays float32 (a thin product, nn.c) */
                if (!fresh) bf16_from_f32((int64_t)R * n, d, c->gradb[i]);
                if (i > 0 || grad)
                    nn_dense_bwd_bf16(c->bf, R, l->nin, n, c->actb[i], net->pb + l->p0,
                                      c->gradb[i], d, i > 0 ? c->grad[i] : NULL, GP(l->p0),
                                      GP(l->p1));
                if (i == 0 && ndx) nn_dense_dx_lead(R, l->nin, n, p + l->p0, d, c->grad[0], ndx);
                if (i > 0) d = c->grad[i];
                fresh = 0;
            } else if (i == 0) {   /* the input gradient only where asked, only for ndx columns */
                if (grad) nn_dense_bwd(R, l->nin, n, c->act[0], p + l->p0, d, NULL, GP(l->p0),
                                       GP(l->p1));
                if (ndx) nn_dense_dx_lead(R, l->nin, n, p + l->p0, d, c->grad[0], ndx);
            } else {
                nn_dense_bwd(R, l->nin, n, c->act[i], p + l->p0, d, c->grad[i], GP(l->p0),
                             GP(l->p1));
                d = c->grad[i];
            }
            break;
        case NET_CONV:
        case NET_CONVT: {
            /* as a first layer the whole input gradient when any is asked */
            float *dx = i > 0 ? c->grad[i] : ndx ? c->grad[0] : NULL;
            if (dx || grad)
                (l->kind == NET_CONV ? nn_conv2d_bwd : nn_convt2d_bwd)(&l->conv, R, c->act[i], p + l->p0,
                                                                       d, dx, GP(l->p0), GP(l->p1), c->cwork);
            if (i > 0) d = c->grad[i];
            fresh = 0;
            break;
        }
        case NET_BATCHNORM:
            break;   /* handled above */
        }
        i--;
    }
#undef GP
}

int64_t net_infer_floats(const NetLayout *lay, int B)
{
    /* two activation buffers, then (net_fwd_infer_bf16) the bf16 copies of the input and of
     * one activation, two to a float */
    const int64_t w = lay->wmax > 0 ? lay->wmax : 1;
    return 2 * (int64_t)B * w + ((int64_t)B * (lay->nin + w) + 1) / 2 + 1 + net_conv_work(lay);
}

/* ctx NULL: float32 throughout */
static void fwd_infer(const Net *net, Bf16Ctx *ctx, int B, const float *x, float *work,
                      float *out)
{
    const NetLayout *lay = &net->lay;
    const float *p = net->p;
    int last = 0;
    for (int i = 0; i < lay->n; i++)
        if (weighted(lay->L[i].kind)) last = i;
    uint16_t *xb = (uint16_t *)(work + 2 * (size_t)B * (lay->wmax > 0 ? lay->wmax : 1));
    uint16_t *hb = xb + (size_t)B * lay->nin;
    /* the convolutions' scratch after everything else (net_infer_floats) */
    float *cwork = work + net_infer_floats(lay, B) - net_conv_work(lay);
    /* dense outputs alternate between the two halves of work; the last goes to out */
    const float *in = x;
    float *cur = out;
    int k = 0, fresh = 0;
    for (int i = 0; i < lay->n;) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        const int bf = ctx && net_dense_bf16(lay, i, 0);
        switch (l->kind) {
        case NET_DENSE:
            cur = i == last ? out : work + (size_t)(k++ & 1) * B * lay->wmax;
            if (bf) {
                uint16_t *ib = i == 0 ? xb : hb;
                if (!fresh) bf16_from_f32((int64_t)B * l->nin, in, ib);
                nn_dense_fwd_bf16(ctx, B, l->nin, n, ib, net->pb + l->p0,
                                  l->p1 >= 0 ? p + l->p1 : NULL, cur);
            } else {
                nn_dense_fwd(B, l->nin, n, in, p + l->p0, l->p1 >= 0 ? p + l->p1 : NULL, cur);
            }
            in = cur;
            fresh = 0;
            i++;
            break;
        case NET_BATCHNORM: {
            float slope;
            const int span = bn_span(lay, i, &slope);
            const int next_bf = ctx && i + span < lay->n && net_dense_bf16(lay, i + span, 0);
            nn_bn_act_infer_fwd_bf16(B, n, cur, p + l->p0, p + l->p1, net->st + l->s0,
                                     net->st + l->s0 + n, slope, next_bf ? hb : NULL);
            fresh = next_bf;
            i += span;
            break;
        }
        case NET_LEAKY:
            nn_leaky_fwd((int64_t)B * n, cur, l->slope);
            fresh = 0;
            i++;
            break;
        case NET_TANH:
            nn_tanh_fwd((int64_t)B * n, cur);
            fresh = 0;
            i++;
            break;
        case NET_CONV:
        case NET_CONVT:
            cur = i == last ? out : work + (size_t)(k++ & 1) * B * lay->wmax;
            (l->kind == NET_CONV ? nn_conv2d_fwd : nn_convt2d_fwd)(&l->conv, B, in, p + l->p0, p + l->p1,
                                                                   cur, cwork);
            in = cur;
            fresh = 0;
            i++;
            break;
        }
    }
}

void net_fwd_infer(const Net *net, int B, const float *x, float *work, float *out)
{
    fwd_infer(net, NULL, B, x, work, out);
}

void net_fwd_infer_bf16(const Net *net, Bf16Ctx *ctx, int B, const float *x, float *work,
                        float *out)
{
    fwd_infer(net, ctx, B, x, work, out);
}

void net_infer_bf16_prepare(const Net *net, Bf16Ctx *ctx, int B)
{
    const NetLayout *lay = &net->lay;
    for (int i = 0; i < lay->n; i++)
        if (net_dense_bf16(lay, i, 0))
            bf16_gemm_prepare(ctx, B, lay->L[i].nout, lay->L[i].nin, 0, 0, lay->L[i].p1 >= 0);
}
