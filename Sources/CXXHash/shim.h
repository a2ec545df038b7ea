// System libxxhash (Debian: libxxhash-dev). XXH3-64 is the log's fast frame checksum.
#include <xxhash.h>
