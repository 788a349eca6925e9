/* onnx.c — the generator as an ONNX ModelProto (see onnx.h). Field numbers are onnx.proto's
 * (IR version 8): each message below names them where it writes them. */
#include "model/onnx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/net.h"
#include "model/nn.h"
#include "model/transform.h"

enum { ONNX_FLOAT = 1 };                        /* TensorProto.DataType */
enum { ATTR_FLOAT = 1, ATTR_INT = 2 };          /* AttributeProto.AttributeType */

/* A text buffer for names and metadata values. */
typedef struct { char *s; size_t n, cap; } Str;

static void sadd(Str *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sadd(Str *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) die(EXIT_RUNTIME, "onnx: formatting failed");
        if (t->s && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        t->cap = (t->n + (size_t)k) * 2 + 64;
        t->s = xrealloc(t->s, t->cap);
        t->s[t->n] = 0;
    }
}

/* ---- graph pieces (GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11,
 * output 12) ---- */

typedef struct {
    Pb nodes, inits;   /* GraphProto fields in the order they are written */
    int count;         /* nodes so far: unique node names */
} Graph;

/* TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian floats) */
static void init_f32(Graph *g, const char *name, int64_t d0, int64_t d1, const float *v)
{
    Pb t = {0};
    pb_int(&t, 1, d0);
    if (d1 > 0) pb_int(&t, 1, d1);
    pb_int(&t, 2, ONNX_FLOAT);
    pb_str(&t, 8, name);
    size_t n = (size_t)d0 * (size_t)(d1 > 0 ? d1 : 1);
    unsigned char *raw = xmalloc(4 * n + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        raw[4 * i] = u & 255, raw[4 * i + 1] = (u >> 8) & 255;
        raw[4 * i + 2] = (u >> 16) & 255, raw[4 * i + 3] = u >> 24;
    }
    pb_bytes(&t, 9, raw, 4 * n);
    free(raw);
    pb_msg(&g->inits, 5, &t);
}

/* A vector initializer from doubles (rounded to float). */
static void init_vec(Graph *g, const char *name, int n, const double *v)
{
    float *f = xmalloc(((size_t)n + 1) * sizeof *f);
    for (int i = 0; i < n; i++) f[i] = (float)v[i];
    init_f32(g, name, n, 0, f);
    free(f);
}

/* AttributeProto: name 1, f 2, i 3, type 20 */
static void attr_float(Pb *node, const char *name, float v)
{
    Pb a = {0};
    pb_str(&a, 1, name);
    pb_float(&a, 2, v);
    pb_int(&a, 20, ATTR_FLOAT);
    pb_msg(node, 5, &a);
}
static void attr_int(Pb *node, const char *name, int64_t v)
{
    Pb a = {0};
    pb_str(&a, 1, name);
    pb_int(&a, 3, v);
    pb_int(&a, 20, ATTR_INT);
    pb_msg(node, 5, &a);
}

/* NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. Inputs: a NULL-terminated
 * list. The node is begun here and finished (attributes added) by node_end. */
static Pb node_begin(Graph *g, const char *op, const char *out, const char *const *in)
{
    Pb n = {0};
    for (; *in; in++) pb_str(&n, 1, *in);
    pb_str(&n, 2, out);
    char name[64];
    snprintf(name, sizeof name, "%s_%d", op, g->count++);
    pb_str(&n, 3, name);
    pb_str(&n, 4, op);
    return n;
}
static void node_end(Graph *g, Pb *n) { pb_msg(&g->nodes, 1, n); }

static void node(Graph *g, const char *op, const char *out, const char *const *in)
{
    Pb n = node_begin(g, op, out, in);
    node_end(g, &n);
}

/* ValueInfoProto: name 1, type 2 (TypeProto.tensor_type 1: elem_type 1, shape 2 with
 * dim 1: dim_value 1 | dim_param 2), doc_string 3. Shape [N x cols]. */
static void value_info(Pb *graph, int field, const char *name, int cols, const char *doc)
{
    Pb d0 = {0}, d1 = {0}, shape = {0}, tensor = {0}, type = {0}, v = {0};
    pb_str(&d0, 2, "N");
    pb_int(&d1, 1, cols);
    pb_msg(&shape, 1, &d0);
    pb_msg(&shape, 1, &d1);
    pb_int(&tensor, 1, ONNX_FLOAT);
    pb_msg(&tensor, 2, &shape);
    pb_msg(&type, 1, &tensor);
    pb_str(&v, 1, name);
    pb_msg(&v, 2, &type);
    pb_str(&v, 3, doc);
    pb_msg(graph, field, &v);
}

/* ---- the layers: the one place that maps a layer kind to ONNX nodes ---- */

static const char *layer_node(Graph *g, const Net *G, int i, const char *in, const char *out,
                              Str *desc)
{
    const NetLayer *l = &G->lay.L[i];
    char w[48], b[48], m[48], v[48];
    switch (l->kind) {
    case NET_DENSE: {
        snprintf(w, sizeof w, "layer%d.dense.W", i);
        snprintf(b, sizeof b, "layer%d.dense.bias", i);
        init_f32(g, w, l->nin, l->nout, G->p + l->p0);
        if (l->p1 >= 0) init_f32(g, b, l->nout, 0, G->p + l->p1);
        const char *args[] = {in, w, l->p1 >= 0 ? b : NULL, NULL};
        node(g, "Gemm", out, args);
        sadd(desc, "dense(%d,%d%s) ", l->nin, l->nout, l->p1 >= 0 ? ",bias" : "");
        return NULL;
    }
    case NET_BATCHNORM: {
        snprintf(w, sizeof w, "layer%d.bn.gamma", i);
        snprintf(b, sizeof b, "layer%d.bn.beta", i);
        snprintf(m, sizeof m, "layer%d.bn.running_mean", i);
        snprintf(v, sizeof v, "layer%d.bn.running_var", i);
        init_f32(g, w, l->nout, 0, G->p + l->p0);
        init_f32(g, b, l->nout, 0, G->p + l->p1);
        init_f32(g, m, l->nout, 0, G->st + l->s0);
        init_f32(g, v, l->nout, 0, G->st + l->s0 + l->nout);
        const char *args[] = {in, w, b, m, v, NULL};
        Pb n = node_begin(g, "BatchNormalization", out, args);
        attr_float(&n, "epsilon", NN_BN_EPS);
        attr_int(&n, "training_mode", 0);
        node_end(g, &n);
        sadd(desc, "batchnorm ");
        return NULL;
    }
    case NET_LEAKY: {
        const char *args[] = {in, NULL};
        Pb n = node_begin(g, "LeakyRelu", out, args);
        attr_float(&n, "alpha", l->slope);
        node_end(g, &n);
        sadd(desc, "leaky(%g) ", (double)l->slope);
        return NULL;
    }
    case NET_TANH: {
        const char *args[] = {in, NULL};
        node(g, "Tanh", out, args);
        sadd(desc, "tanh ");
        return NULL;
    }
    case NET_CONV:
    case NET_CONVT:
        return "convolutions have no ONNX export yet";
    }
    return "a layer kind without an ONNX node";
}

/* StringStringEntryProto (ModelProto.metadata_props 14): key 1, value 2 */
static void meta(Pb *model, const char *key, const char *value)
{
    Pb e = {0};
    pb_str(&e, 1, key);
    pb_str(&e, 2, value);
    pb_msg(model, 14, &e);
}

static void join_names(Str *t, int n, char **names)
{
    t->n = 0;
    sadd(t, "%s", "");
    for (int j = 0; j < n; j++) sadd(t, "%s%s", j ? "," : "", names[j]);
}
static void join_nums(Str *t, int n, const double *v)
{
    t->n = 0;
    sadd(t, "%s", "");
    for (int j = 0; j < n; j++) sadd(t, "%s%.17g", j ? "," : "", v[j]);
}

const char *onnx_generator(const GtmModel *m, Pb *out)
{
    const int nc = m->ncond, no = m->nout;
    /* a per-column inverse would need the outputs split and rejoined: not done (a tail cut
     * alone changes nothing at inference and exports; so does the [0, 1] range, below) */
    for (int j = 0; m->out_tf && j < no; j++)
        if (m->out_tf[j].kind != TF_NONE)
            return "the model has per-column transforms (gan-train --transform), which the ONNX "
                   "export does not express; gan-sample and libgantune invert them";
    Graph g = {0};
    Str t = {0}, desc = {0};
    sadd(&desc, "%s", "");

    /* conditions to [-1, 1]: (c - lo) * (2 / (hi - lo)) - 1, the subtraction first so that a
     * range far from zero loses no digits in float */
    const char *x = "noise";
    if (nc) {
        double *k = xmalloc(2 * (size_t)nc * sizeof *k), *minus1 = k + nc;
        for (int j = 0; j < nc; j++) {
            double w = m->cond_hi[j] > m->cond_lo[j] ? m->cond_hi[j] - m->cond_lo[j] : 1.0;
            k[j] = 2.0 / w, minus1[j] = -1.0;
        }
        init_vec(&g, "cond_lo", nc, m->cond_lo);
        init_vec(&g, "cond_scale", nc, k);
        init_vec(&g, "cond_minus1", nc, minus1);
        free(k);
        node(&g, "Sub", "cond_shifted", (const char *[]){"conditions", "cond_lo", NULL});
        node(&g, "Mul", "cond_scaled2", (const char *[]){"cond_shifted", "cond_scale", NULL});
        node(&g, "Add", "cond_scaled", (const char *[]){"cond_scaled2", "cond_minus1", NULL});
        Pb n = node_begin(&g, "Concat", "gen_input", (const char *[]){"cond_scaled", "noise", NULL});
        attr_int(&n, "axis", 1);
        node_end(&g, &n);
        x = "gen_input";
    }

    /* the generator's layer list */
    char prev[32], cur[32];
    snprintf(prev, sizeof prev, "%s", x);
    for (int i = 0; i < m->G.lay.n; i++) {
        snprintf(cur, sizeof cur, "h%d", i);
        const char *why = layer_node(&g, &m->G, i, prev, cur, &desc);
        if (why) {
            pb_free(&g.nodes), pb_free(&g.inits), free(t.s), free(desc.s);
            return why;
        }
        memcpy(prev, cur, sizeof cur);
    }

    /* tanh units to physical ones: (y + 1) * ((hi - lo) / 2) + lo, gan-sample's order; a
     * model scaled to [0, 1]: (y + 0) * (hi - lo) + lo */
    double *half = xmalloc(2 * (size_t)no * sizeof *half), *one = half + no;
    for (int j = 0; j < no; j++) {
        double w = m->out_hi[j] > m->out_lo[j] ? m->out_hi[j] - m->out_lo[j] : 1.0;
        half[j] = m->range01 ? w : 0.5 * w, one[j] = m->range01 ? 0.0 : 1.0;
    }
    init_vec(&g, "out_one", no, one);
    init_vec(&g, "out_halfrange", no, half);
    init_vec(&g, "out_lo", no, m->out_lo);
    free(half);
    node(&g, "Add", "y_plus1", (const char *[]){prev, "out_one", NULL});
    node(&g, "Mul", "y_scaled", (const char *[]){"y_plus1", "out_halfrange", NULL});
    node(&g, "Add", "events", (const char *[]){"y_scaled", "out_lo", NULL});

    /* GraphProto: the nodes (field 1 entries, in order), name, initializers (field 5) */
    Pb graph = g.nodes;
    pb_str(&graph, 2, "gantune_generator");
    pb_append(&graph, &g.inits);
    pb_str(&graph, 10, "gantune generator in inference mode: conditions (physical units) and "
                       "standard-normal noise in, events in physical units out");
    join_names(&t, nc, m->cond_names);
    if (nc) value_info(&graph, 11, "conditions", nc, t.s);
    value_info(&graph, 11, "noise", m->nnoise, "standard normal, one row per event");
    join_names(&t, no, m->out_names);
    value_info(&graph, 12, "events", no, t.s);

    /* ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7,
     * opset_import 8 (OperatorSetIdProto: domain 1, version 2), metadata_props 14 */
    pb_int(out, 1, ONNX_IR_VERSION);
    pb_str(out, 2, "gantune gan-export");
    char ver[32];
    snprintf(ver, sizeof ver, "gtm %u", gtm_needs_v2(m) ? 2u : 1u);
    pb_str(out, 3, ver);
    pb_str(out, 6, "GAN generator tuned by gantune");
    pb_msg(out, 7, &graph);
    Pb op = {0};
    pb_str(&op, 1, "");
    pb_int(&op, 2, ONNX_OPSET);
    pb_msg(out, 8, &op);
    meta(out, "gantune.out_cols", t.s);
    join_names(&t, nc, m->cond_names);
    meta(out, "gantune.cond_cols", t.s);
    snprintf(ver, sizeof ver, "%d", m->nnoise);
    meta(out, "gantune.noise_dim", ver);
    meta(out, "gantune.noise", "standard normal");
    join_nums(&t, no, m->out_lo);
    meta(out, "gantune.out_lo", t.s);
    join_nums(&t, no, m->out_hi);
    meta(out, "gantune.out_hi", t.s);
    join_nums(&t, nc, m->cond_lo);
    meta(out, "gantune.cond_lo", t.s);
    join_nums(&t, nc, m->cond_hi);
    meta(out, "gantune.cond_hi", t.s);
    if (desc.n && desc.s[desc.n - 1] == ' ') desc.s[--desc.n] = 0;
    meta(out, "gantune.layers", desc.s);
    if (m->range01) meta(out, "gantune.out_range", "0,1");
    snprintf(ver, sizeof ver, "%u", gtm_needs_v2(m) ? 2u : 1u);   /* the file's own version */
    meta(out, "gantune.gtm_version", ver);
    snprintf(ver, sizeof ver, "%d", m->best_epoch);
    meta(out, "gantune.best_epoch", ver);
    snprintf(ver, sizeof ver, "%.17g", m->best_wd);
    meta(out, "gantune.best_wd", ver);
    free(t.s), free(desc.s);
    return NULL;
}
