// content/csv.h — CSV as spreadsheets save it: comma or semicolon separated (taken from the
// header line), UTF-8 with or without a byte order mark, LF or CRLF, quoted fields with ""
// escapes and line breaks. Every field keeps its line and column for diagnostics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"

namespace samplan::content {

struct CsvField {
    std::string text;
    bool quoted = false;
    SourcePos pos;  // where the field starts (column in code points)
};

struct CsvRow {
    int line = 0;  // the line the row starts on
    std::vector<CsvField> fields;
};

struct CsvTable {
    char delimiter = ',';
    std::vector<CsvRow> rows;  // the header first; blank lines are left out
};

struct CsvError {
    SourcePos pos;
    std::string message;
};

// Reads `text`; on a syntax error (an unclosed quote, text after a closing quote, invalid
// UTF-8) returns false with `error` set.
bool read_csv(std::string_view text, CsvTable& table, CsvError& error);

}  // namespace samplan::content
