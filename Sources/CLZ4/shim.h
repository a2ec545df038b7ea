// System liblz4 (Debian: liblz4-dev). Only the stable block API is used.
#include <lz4.h>
#include <lz4hc.h>
