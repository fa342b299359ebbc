// The part of Graphviz's C API rnnlab uses (Debian: libgraphviz-dev, pkg-config libgvc), with
// small inline helpers so that Swift touches no mutable C global and no version difference.
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
#include <stdlib.h>
#include <string.h>

// cgraph reports parse errors through a callback; collect them instead of printing to stderr.
// (A function-local buffer: Swift's importer does not emit file-scope statics from headers.)
enum { RNNLAB_GV_ERROR_CAPACITY = 2048 };

static inline char *rnnlab_gv_error_buffer(void) {
    static char text[RNNLAB_GV_ERROR_CAPACITY];
    return text;
}

static inline int rnnlab_gv_collect(char *message) {
    char *text = rnnlab_gv_error_buffer();
    size_t used = strlen(text);
    if (used + 1 < RNNLAB_GV_ERROR_CAPACITY) strncat(text, message, RNNLAB_GV_ERROR_CAPACITY - used - 1);
    return 0;
}

/// Clears the collected errors and routes cgraph's messages to the collector.
static inline void rnnlab_gv_begin(void) {
    rnnlab_gv_error_buffer()[0] = 0;
    agseterrf(rnnlab_gv_collect);
    agreseterrors();
}

static inline const char *rnnlab_gv_errors(void) { return rnnlab_gv_error_buffer(); }

// ---- Reading DOT with deterministic subgraph order ----------------------------------------
//
// cgraph keeps subgraphs (and so clusters) in a dictionary ordered by object ID, and its default
// ID discipline uses the address of the interned name string as a named object's ID. Heap
// addresses vary from run to run, so clusters were laid out and emitted in a varying order
// (seen as shifted coordinates and reordered <g class="cluster"> elements). This discipline
// gives every subgraph, named or not, the next number of a per-graph counter instead, so
// subgraphs keep the order in which the DOT text declares them. Names of subgraphs are then
// kept by cgraph's internal name map; nodes and edges keep the default discipline.

typedef struct {
    Agraph_t *root;
    IDTYPE next;
} rnnlab_gv_id_state;

static inline void *rnnlab_gv_id_open(Agraph_t *g, Agdisc_t *disc) {
    (void)disc;
    rnnlab_gv_id_state *state = (rnnlab_gv_id_state *)calloc(1, sizeof(rnnlab_gv_id_state));
    if (state) { state->root = g; state->next = 1; }
    return state;
}

static inline long rnnlab_gv_id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag) {
    rnnlab_gv_id_state *s = (rnnlab_gv_id_state *)state;
    if (objtype == AGRAPH) {
        if (str) return 0;          // let cgraph's internal map bind the name to an ID from below
        if (!createflag) return 0;
        *id = s->next;              // odd numbers, as the default discipline uses for anonymous IDs
        s->next += 2;
        return 1;
    }
    return AgIdDisc.map(s->root, objtype, str, id, createflag);
}

static inline long rnnlab_gv_id_alloc(void *state, int objtype, IDTYPE id) {
    return AgIdDisc.alloc(((rnnlab_gv_id_state *)state)->root, objtype, id);
}

static inline void rnnlab_gv_id_free(void *state, int objtype, IDTYPE id) {
    AgIdDisc.free(((rnnlab_gv_id_state *)state)->root, objtype, id);
}

static inline char *rnnlab_gv_id_print(void *state, int objtype, IDTYPE id) {
    return AgIdDisc.print(((rnnlab_gv_id_state *)state)->root, objtype, id);
}

static inline void rnnlab_gv_id_close(void *state) { free(state); }

static inline void rnnlab_gv_id_register(void *state, int objtype, void *obj) {
    if (AgIdDisc.idregister) AgIdDisc.idregister(((rnnlab_gv_id_state *)state)->root, objtype, obj);
}

typedef struct {
    const char *data;
    size_t length;
    size_t position;
} rnnlab_gv_reader;

// Hands the parser one line at a time, as cgraph's own agmemread does.
static inline int rnnlab_gv_read(void *chan, char *buf, int bufsize) {
    rnnlab_gv_reader *r = (rnnlab_gv_reader *)chan;
    if (bufsize <= 0 || r->position >= r->length) return 0;
    int n = 0;
    char c;
    do {
        c = r->data[r->position + n];
        buf[n++] = c;
    } while (c != '\n' && n < bufsize && r->position + n < r->length);
    r->position += n;
    return n;
}

/// Parses DOT text like agmemread, with the deterministic subgraph order described above.
static inline Agraph_t *rnnlab_gv_read_dot(const char *text) {
    static Agiddisc_t ids;
    static Agiodisc_t io;
    static Agdisc_t disc;
    ids.open = rnnlab_gv_id_open;
    ids.map = rnnlab_gv_id_map;
    ids.alloc = rnnlab_gv_id_alloc;
    ids.free = rnnlab_gv_id_free;
    ids.print = rnnlab_gv_id_print;
    ids.close = rnnlab_gv_id_close;
    ids.idregister = rnnlab_gv_id_register;
    io.afread = rnnlab_gv_read;
    io.putstr = AgIoDisc.putstr;
    io.flush = AgIoDisc.flush;
    disc.mem = &AgMemDisc;
    disc.id = &ids;
    disc.io = &io;
    rnnlab_gv_reader reader = { text, strlen(text), 0 };
    return agread(&reader, &disc);
}

/// gvRenderData's length is `unsigned int *` up to Graphviz 12 and `size_t *` from 13.
static inline int rnnlab_gv_render(GVC_t *gvc, graph_t *g, const char *format, char **result, size_t *length) {
#if defined(GRAPHVIZ_VERSION_MAJOR) && GRAPHVIZ_VERSION_MAJOR >= 13
    return gvRenderData(gvc, g, format, result, length);
#else
    unsigned int n = 0;
    int status = gvRenderData(gvc, g, format, result, &n);
    *length = n;
    return status;
#endif
}

/// The layout engine a graph asks for with its `layout` attribute: "nop2" (positions given in
/// points, edges routed by neato's spline router) or, otherwise, "dot".
static inline const char *rnnlab_gv_engine(Agraph_t *g) {
    char *asked = agget(g, "layout");
    if (asked && strcmp(asked, "nop2") == 0) return "nop2";
    return "dot";
}
