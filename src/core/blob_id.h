// core/blob_id.h — the id git gives a file's bytes as a blob: the SHA-1 of "blob <size>\0" and
// the bytes, as 40 hex digits. The loader names each record file's text by it as it reads it, so
// that the page keys (site/builder.h, content_id) and git's own ids of committed versions compare.
#pragma once

#include <string>
#include <string_view>

namespace samplan {

std::string git_blob_id(std::string_view bytes);

}  // namespace samplan
