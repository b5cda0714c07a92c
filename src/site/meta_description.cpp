#include "site/meta_description.h"

#include <cctype>

namespace samplan::site {
namespace {

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// A line that is markup only, or a block that is not prose (a heading, a fence, a table, a rule).
bool not_prose(std::string_view line) {
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return true;
    line.remove_prefix(first);
    return line[0] == '#' || line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0 || line[0] == '|' || line.rfind("---", 0) == 0 ||
           line.rfind("***", 0) == 0 || line.rfind("+++", 0) == 0;
}

// The line without the marks that start a quote or a list item.
std::string_view without_block_marks(std::string_view line) {
    for (;;) {
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos) return {};
        line.remove_prefix(first);
        if (line[0] == '>') {
            line.remove_prefix(line.find_first_not_of(line[0]) == std::string_view::npos ? line.size() : line.find_first_not_of(line[0]));
            continue;
        }
        if ((line[0] == '-' || line[0] == '*' || line[0] == '+') && line.size() > 1 && line[1] == ' ') {
            line.remove_prefix(2);
            continue;
        }
        size_t digits = 0;
        while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
        if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ') {
            line.remove_prefix(digits + 2);
            continue;
        }
        return line;
    }
}

}  // namespace

std::string plain_first_paragraph(std::string_view markdown, size_t limit) {
    markdown = markdown.substr(0, 16 * 1024);  // a description is in the first lines
    // The first paragraph: the lines up to a blank line, after any blank or non-prose lines.
    std::string para;
    while (!markdown.empty()) {
        const size_t end = markdown.find('\n');
        const std::string_view line = markdown.substr(0, end);
        markdown = end == std::string_view::npos ? std::string_view{} : markdown.substr(end + 1);
        if (blank(line) || not_prose(line)) {
            if (!para.empty()) break;
            continue;
        }
        para += without_block_marks(line);
        para += ' ';
    }
    // Inline markup: emphasis and code marks, HTML tags and links' addresses left out.
    std::string text;
    for (size_t i = 0; i < para.size(); ++i) {
        const char c = para[i];
        if (c == '*' || c == '_' || c == '`' || c == '~' || c == '\\') continue;
        if (c == '<') {
            const size_t close = para.find('>', i);
            if (close != std::string::npos) {
                i = close;
                if (!text.empty() && text.back() != ' ') text += ' ';
                continue;
            }
        }
        if (c == '!' && i + 1 < para.size() && para[i + 1] == '[') continue;
        if (c == '[') continue;
        if (c == ']' && i + 1 < para.size() && para[i + 1] == '(') {
            const size_t close = para.find(')', i);
            if (close != std::string::npos) i = close;
            continue;
        }
        if (c == ']') continue;
        if (c == ' ' || c == '\t' || c == '\r') {
            if (!text.empty() && text.back() != ' ') text += ' ';
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20) continue;
        text += c;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.size() <= limit) return text;
    size_t cut = text.rfind(' ', limit);
    if (cut == std::string::npos || cut < limit / 2) {
        cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    }
    text.resize(cut);
    while (!text.empty() && (text.back() == ' ' || text.back() == ',' || text.back() == '.' || text.back() == ':')) text.pop_back();
    return text + "…";
}

void add_meta_description(Data& page) {
    if (page.kind() != Data::Kind::Map || page.get("meta_description")) return;
    for (const char* key : {"description", "summary", "body", "analysis"}) {
        const Data* value = page.get(key);
        if (!value || (value->kind() != Data::Kind::Markdown && value->kind() != Data::Kind::Text)) continue;
        std::string text = plain_first_paragraph(value->text());
        if (text.empty()) continue;
        page.set("meta_description", std::move(text));
        return;
    }
}

}  // namespace samplan::site
