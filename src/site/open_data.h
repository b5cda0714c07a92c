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

// The paths of the files open_data_files() makes.
std::vector<std::string> open_data_paths();

// The key of the open data files (as SiteOptions::inputs_key is of pages): a digest of
// `inputs_key` (samplan itself, among others) and of everything data/site.json holds, which the
// CSV files and the data package only show in other forms. Cheaper than making the files.
std::string open_data_key(const model::Site& site, const std::string& inputs_key);

// One CSV field, quoted when needed. A text starting with = + - @, a tab or a carriage return
// gets a leading ' so that spreadsheets do not read it as a formula (OWASP's CSV injection
// advice); a plain number ("-12", "-1.5") stays as it is, to be read as a number. Control
// characters but tab, line feed and carriage return, and noncharacters, become U+FFFD.
std::string csv_field(const std::string& value);

}  // namespace samplan::site
