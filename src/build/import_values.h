// build/import_values.h — `samplan import values FILE.csv`: indicator values from a spreadsheet
// into the records that hold them. The content is loaded and checked (load_and_check); each row
// of the CSV (content/csv.h) is placed by the model (a regional plan's indicator, or a group's
// plan's activity's); the records' `values` arrays are edited in place (content/toml_edit.h),
// every other line, comment and blank kept; the edited text is loaded and checked again in
// memory, and only then is each file replaced, whole. All or nothing: any problem in the CSV or
// the content, and no file changes. Prints nothing: the cli tells what the result holds.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostics.h"

namespace samplan::build {

struct ImportRequest {
    std::string content;   // the content folder
    std::string csv_path;  // the CSV file
    bool dry_run = false;  // work out every change, write nothing
};

// One row of the CSV as it lands in its record.
struct ImportedValue {
    enum class Kind { Add, Change, Same };
    Kind kind = Kind::Add;
    std::string indicator;
    std::string when;        // "2025" (a regional indicator's year) or "2025-06-30"
    std::string number;      // as written into the record
    std::string old_number;  // Change: the value it replaces, as it was written
    int line = 0;            // the CSV line
};

struct ImportedFile {
    std::string path;  // relative to the content folder
    std::vector<ImportedValue> values;  // in the CSV's order, indicator by indicator
};

struct ImportResult {
    int status = 0;                    // kOk, kContentErrors or kFailed (build.h)
    std::vector<Diagnostic> problems;  // the content's errors, the CSV's problems, or the edited records' errors
    std::vector<std::string> messages; // what went wrong besides, one line each
    std::vector<ImportedFile> files;   // the records the rows land in, in the records' order (kept when
                                       // the import succeeded or only its writing failed)
    size_t rows = 0;                   // the CSV's rows of values
    size_t files_edited = 0;           // files with a value added or changed
    bool written = false;              // the files were replaced
};

ImportResult import_values(const ImportRequest& request);

}  // namespace samplan::build
