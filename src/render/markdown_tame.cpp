#include "render/markdown_tame.h"

#include <array>
#include <cstdint>
#include <optional>

namespace samplan::render {
namespace {

bool is_blank_line(std::string_view s, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

// For each byte, the end of the run of non-blank lines that holds it (a paragraph never
// crosses a blank line, so it ends there or before).
std::vector<uint32_t> run_ends(std::string_view s) {
    std::vector<uint32_t> end(s.size());
    size_t run_start = 0;
    auto close_run = [&](size_t run_end) {
        for (size_t i = run_start; i < run_end; ++i) end[i] = static_cast<uint32_t>(run_end);
        run_start = run_end;
    };
    for (size_t line = 0; line < s.size();) {
        size_t eol = s.find('\n', line);
        eol = eol == std::string_view::npos ? s.size() : eol + 1;
        if (is_blank_line(s, line, eol)) {
            close_run(line);
            close_run(eol);  // a blank line is a run of its own
        }
        line = eol;
    }
    close_run(s.size());
    return end;
}

bool escaped(std::string_view s, size_t i) {
    size_t backslashes = 0;
    while (i > backslashes && s[i - backslashes - 1] == '\\') ++backslashes;
    return backslashes % 2 == 1;
}

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The raw HTML constructs whose inline scan goes on until a closer that may never come.
struct HtmlShape {
    std::string_view opener;  // after '<'
    std::string_view closer;
    bool upper_letter;        // the opener is followed by an uppercase letter (a declaration)
};
constexpr std::array<HtmlShape, 3> kHtmlShapes{{{"?", "?>", false}, {"![CDATA[", "]]>", false}, {"!", ">", true}}};

bool html_opener_at(std::string_view s, size_t i, const HtmlShape& shape) {
    if (s[i] != '<' || s.substr(i + 1, shape.opener.size()) != shape.opener) return false;
    if (shape.upper_letter) {
        const size_t next = i + 1 + shape.opener.size();
        if (next >= s.size() || s[next] < 'A' || s[next] > 'Z') return false;
    }
    return !escaped(s, i);
}

// The next closer at or after `from`, found with amortised linear work over increasing `from`.
class NextCloser {
public:
    NextCloser(std::string_view s, std::string_view closer) : s_(s), closer_(closer) {}
    size_t at_or_after(size_t from) {
        if (!searched_ || (next_ != std::string_view::npos && next_ < from)) {
            next_ = s_.find(closer_, from);
            searched_ = true;
        }
        return next_;
    }

private:
    std::string_view s_, closer_;
    size_t next_ = 0;
    bool searched_ = false;
};

// Walks the raw HTML openers of one shape; `visit(i, closer_or_npos, run_end)`.
template <typename Visit>
void each_html_opener(std::string_view s, const std::vector<uint32_t>& ends, const HtmlShape& shape, Visit visit) {
    NextCloser closer(s, shape.closer);
    for (size_t i = s.find('<'); i != std::string_view::npos; i = s.find('<', i + 1)) {
        if (!html_opener_at(s, i, shape)) continue;
        const size_t c = closer.at_or_after(i + 1 + shape.opener.size());
        visit(i, c != std::string_view::npos && c < ends[i] ? c : std::string_view::npos, size_t{ends[i]});
    }
}

bool image_opener_at(std::string_view s, size_t i) {
    return s[i] == '!' && i + 1 < s.size() && s[i + 1] == '[' && !escaped(s, i);
}

// The bracket walk of each run: every `]` costs the `![` open before it in the run.
template <typename Visit>
void each_run_images(std::string_view s, const std::vector<uint32_t>& ends, Visit visit) {
    for (size_t start = 0; start < s.size(); start = ends[start]) {
        const size_t end = ends[start];
        size_t open = 0, cost = 0;
        for (size_t i = start; i < end; ++i) {
            if (image_opener_at(s, i)) ++open;
            else if (s[i] == ']' && !escaped(s, i)) cost += open;
        }
        visit(start, end, cost);
    }
}

// Characters the autolink extension takes for a host name: ASCII letters and digits, '_', '.',
// '-' and (over-counting a little) every non-ASCII byte.
bool is_host_byte(char c) {
    return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-' || static_cast<unsigned char>(c) >= 0x80;
}
size_t host_run_end(std::string_view s, size_t i) {
    while (i < s.size() && is_host_byte(s[i])) ++i;
    return i;
}

// Whether the extension links a `www.` of a host name: no '_' in the last two labels of the
// name as it reads them from that `www.`. Found once per name.
class WwwLinks {
public:
    WwwLinks(std::string_view s, size_t end) {
        last_dot_ = s.rfind('.', end - 1);
        const size_t previous = s.rfind('.', last_dot_ - 1);
        last_has_underscore_ = s.substr(last_dot_, end - last_dot_).find('_') != std::string_view::npos;
        two_have_underscore_ = s.substr(previous, end - previous).find('_') != std::string_view::npos;
    }
    // `at`: where "www." starts (its dot, at + 3, is in the name: last_dot_ >= at + 3).
    [[nodiscard]] bool links(size_t at) const {
        return last_dot_ > at + 3 ? !two_have_underscore_ : !last_has_underscore_;
    }

private:
    size_t last_dot_ = 0;
    bool last_has_underscore_ = false, two_have_underscore_ = false;
};

// The autolink extension's scan for an e-mail address from an '@': letters, digits, '@', '-',
// '_', and '.' before a letter or digit.
bool is_address_byte(std::string_view s, size_t i) {
    const char c = s[i];
    return is_ascii_alnum(c) || c == '@' || c == '-' || c == '_' ||
           (c == '.' && i + 1 < s.size() && is_ascii_alnum(s[i + 1]));
}

size_t address_end(std::string_view s, size_t at) {
    size_t end = at + 1;
    while (end < s.size() && is_address_byte(s, end)) ++end;
    return end;
}

struct Sentinels {
    char original;
    std::array<std::string_view, 3> candidates;
};
// Punctuation marks, as cmark-gfm's own table counts them, as '<', '!', '@' and '_' are. Rare,
// and each is used only when absent from the source.
const Sentinels kLt{'<', {"\xF0\x90\x8F\x90", "\xF0\x90\xA4\x9F", "\xF0\x90\xA4\xBF"}};      // U+103D0, U+1091F, U+1093F
const Sentinels kBang{'!', {"\xF0\x90\x95\xAF", "\xF0\x90\xA9\xBF", "\xF0\x91\x82\xBB"}};    // U+1056F, U+10A7F, U+110BB
const Sentinels kAt{'@', {"\xF0\x90\xA1\x97", "\xF0\x91\x87\x8D", "\xF0\x91\x93\x86"}};      // U+10857, U+111CD, U+114C6
const Sentinels kUnderscore{'_', {"\xF0\x91\x82\xBC", "\xF0\x91\x85\xB4", "\xF0\x91\x85\xB5"}};  // U+110BC, U+11174, U+11175

}  // namespace

MarkdownCost markdown_cost(std::string_view s) {
    MarkdownCost cost;
    if (s.empty()) return cost;
    const std::vector<uint32_t> ends = run_ends(s);
    for (const HtmlShape& shape : kHtmlShapes)
        each_html_opener(s, ends, shape, [&](size_t i, size_t closer, size_t run_end) {
            cost.html += (closer == std::string_view::npos ? run_end : closer) - i;
        });
    each_run_images(s, ends, [&](size_t, size_t, size_t c) { cost.images += c; });
    // Each run's end is found once, for its first `_www.` or '@' (the scan is itself linear).
    size_t run_end = 0;
    for (size_t i = s.find("_www."); i != std::string_view::npos; i = s.find("_www.", i + 1)) {
        if (i + 1 >= run_end) run_end = host_run_end(s, i + 1);
        cost.www += run_end - (i + 1);
    }
    size_t word_end = 0;
    for (size_t i = s.find('@'); i != std::string_view::npos; i = s.find('@', i + 1)) {
        if (i >= word_end) word_end = address_end(s, i);
        cost.email += word_end - i;
    }
    return cost;
}

TamedMarkdown tame_markdown(std::string_view s, size_t limit) {
    TamedMarkdown out;
    const MarkdownCost cost = markdown_cost(s);
    if (cost.html <= limit && cost.images <= limit && cost.www <= limit &&
        cost.email <= limit) {
        out.text = s;
        return out;
    }
    // The positions to replace, and with which original character.
    std::vector<char> replace(s.size(), 0);
    const std::vector<uint32_t> ends = run_ends(s);
    if (cost.html > limit) {
        for (const HtmlShape& shape : kHtmlShapes) {
            // Kept: an opener whose closer is in its run, unless it lies inside the one kept
            // before it (which, made raw HTML, holds it; or, failing, ends its paragraph before
            // that closer). The kept openers' scans then cover each byte once.
            size_t covered_until = 0;
            each_html_opener(s, ends, shape, [&](size_t i, size_t closer, size_t) {
                if (i < covered_until || closer == std::string_view::npos) {
                    replace[i] = '<';
                } else {
                    covered_until = closer + shape.closer.size();
                }
            });
        }
    }
    if (cost.images > limit)
        each_run_images(s, ends, [&](size_t start, size_t end, size_t c) {
            if (c <= 16 * (end - start)) return;
            for (size_t i = start; i < end; ++i)
                if (image_opener_at(s, i)) replace[i] = '!';
        });
    if (cost.www > limit) {
        // Each `_www.` of a host name is tried in turn until one is linked, which takes the rest
        // of the name: the ones before the first that would be linked are not tried (the '_'
        // before each becomes a mark that ends the name, as the extension reads it).
        size_t run_end = 0;
        bool linked = false;
        std::optional<WwwLinks> name;
        for (size_t i = s.find("_www."); i != std::string_view::npos; i = s.find("_www.", i + 1)) {
            if (i + 1 >= run_end) {
                run_end = host_run_end(s, i + 1);
                name.emplace(s, run_end);
                linked = false;
            }
            if (linked) continue;
            if (name->links(i + 1)) linked = true;
            else replace[i] = '_';
        }
    }
    if (cost.email > limit) {
        // All but the last '@' of a word: the extension counts more than one '@' after each of
        // them, and never makes an address of it.
        size_t word_end = 0, last_at = std::string_view::npos;
        for (size_t i = s.find('@'); i != std::string_view::npos; i = s.find('@', i + 1)) {
            if (i < word_end) replace[last_at] = '@';
            else word_end = address_end(s, i);
            last_at = i;
        }
    }

    std::array<std::string_view, 128> sentinel{};
    for (const Sentinels* kind : {&kLt, &kBang, &kAt, &kUnderscore}) {
        for (std::string_view candidate : kind->candidates)
            if (s.find(candidate) == std::string_view::npos) {
                sentinel[static_cast<unsigned char>(kind->original)] = candidate;
                out.restore.emplace_back(std::string(candidate), kind->original);
                break;
            }
    }
    // A source that holds every candidate gets character references: the same in text, shown
    // as typed in code.
    auto reference = [](char c) -> std::string_view {
        switch (c) {
            case '<': return "&lt;";
            case '!': return "&#33;";
            case '@': return "&#64;";
            default: return "&#95;";
        }
    };
    out.text.reserve(s.size() + 64);
    for (size_t i = 0; i < s.size(); ++i) {
        if (!replace[i]) {
            out.text += s[i];
            continue;
        }
        const std::string_view with = sentinel[static_cast<unsigned char>(replace[i])];
        out.text += with.empty() ? reference(replace[i]) : with;
    }
    return out;
}

}  // namespace samplan::render
