// edit/schemas.h — the JSON Schemas of the content model (schemas/), built into the program
// (cmake/embed_files.cmake): the editor's page makes its forms, labels and help texts from them.
#pragma once

#include <span>

#include "render/builtin_theme.h"

namespace samplan::edit {

// Every schema file, by name ("activity.json", …).
std::span<const render::BuiltinFile> schema_files();

}  // namespace samplan::edit
