// The part of cmark-gfm's C API rnnlab uses (Debian: libcmark-gfm-dev and
// libcmark-gfm-extensions-dev, pkg-config libcmark-gfm): the CommonMark parser and HTML
// renderer, and GitHub's extensions (tables, strikethrough, autolinks).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
