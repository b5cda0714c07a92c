// site/open_data.h — the model as open data: data/site.json and CSV files for activities and
// indicators, linked from every page's footer.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace samplan::site {

struct FileView;

struct OpenDataOptions {
    std::string language = "sv";
};

std::vector<FileView> open_data_files(const model::Site& site, const OpenDataOptions& options);

// One CSV field: quoted when needed; a leading = + - @ is neutralised for spreadsheets.
std::string csv_field(const std::string& value);

}  // namespace samplan::site
