#include "content/csv.h"

#include "core/text.h"

namespace samplan::content {
namespace {

// The delimiter that occurs more often outside quotes on the first line; a comma on a tie.
char detect_delimiter(std::string_view text) {
    int commas = 0, semicolons = 0;
    bool quoted = false;
    for (const char c : text) {
        if (c == '"') quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r')) break;
        else if (!quoted && c == ',') ++commas;
        else if (!quoted && c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}

bool blank_row(const CsvRow& row) {
    return row.fields.size() == 1 && !row.fields[0].quoted &&
           row.fields[0].text.find_first_not_of(" \t") == std::string::npos;
}

}  // namespace

bool read_csv(std::string_view text, CsvTable& table, CsvError& error) {
    int line = 1, column = 1;  // of text[i]
    size_t i = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    if (const auto bad = find_invalid_utf8(text)) {
        const auto [l, c] = line_column_at(text, *bad);
        error = {{l, c}, "invalid UTF-8: save the file as UTF-8 (CSV UTF-8 in Excel)"};
        return false;
    }
    table.delimiter = detect_delimiter(text.substr(i));
    table.rows.clear();
    const char delimiter = table.delimiter;
    auto advance = [&] {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
        ++i;
    };
    auto at_line_end = [&] { return text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n'); };
    while (i < text.size()) {
        CsvRow row;
        row.line = line;
        for (;;) {
            CsvField field;
            field.pos = {line, column};
            if (i < text.size() && text[i] == '"') {
                field.quoted = true;
                advance();
                for (;;) {
                    if (i >= text.size()) {
                        error = {field.pos, "this quoted field is never closed: a \" is missing"};
                        return false;
                    }
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field.text += '"';
                            advance();
                            advance();
                            continue;
                        }
                        advance();
                        break;
                    }
                    if (text[i] != '\r' || i + 1 >= text.size() || text[i + 1] != '\n') field.text += text[i];
                    advance();
                }
                // Blanks may follow the closing quote; anything else is a mistake.
                while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) advance();
                if (i < text.size() && text[i] != delimiter && !at_line_end()) {
                    error = {{line, column}, "text after the closing quote of a field: write \"\" for a quote inside a quoted field"};
                    return false;
                }
            } else {
                while (i < text.size() && text[i] != delimiter && !at_line_end()) {
                    field.text += text[i];
                    advance();
                }
            }
            row.fields.push_back(std::move(field));
            if (i < text.size() && text[i] == delimiter) {
                advance();
                continue;
            }
            if (i < text.size() && text[i] == '\r') advance();
            if (i < text.size() && text[i] == '\n') advance();
            break;
        }
        if (!blank_row(row)) table.rows.push_back(std::move(row));
    }
    return true;
}

}  // namespace samplan::content
