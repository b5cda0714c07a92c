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

// One CSV field, quoted when needed. A text starting with = + - @, a tab or a carriage return
// gets a leading ' so that spreadsheets do not read it as a formula (OWASP's CSV injection
// advice); a plain number ("-12", "-1.5") stays as it is, to be read as a number. Control
// characters but tab, line feed and carriage return, and noncharacters, become U+FFFD.
std::string csv_field(const std::string& value);

}  // namespace samplan::site
