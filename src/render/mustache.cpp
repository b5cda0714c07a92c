#include "render/mustache.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "core/text.h"
#include "render/markdown.h"

namespace samplan::render::mustache {

namespace {

// Whether any of the eight bytes in `word` is one that HTML escaping replaces (& < > " ') or one
// that is not printable ASCII (a control, DEL, or part of a multi-byte character).
bool needs_look(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
    auto has_byte = [&](unsigned char c) {
        const std::uint64_t x = word ^ (kOnes * c);
        return (x - kOnes) & ~x & kHighs;
    };
    const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
    return (word & kHighs) | below_space | has_byte(0x7F) | has_byte('&') | has_byte('<') | has_byte('>') |
           has_byte('"') | has_byte('\'');
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size());
    size_t done = 0, i = 0;
    while (i < text.size()) {
        // Eight bytes at a time while none needs a look (most text).
        if (std::uint64_t word = 0; i + 8 <= text.size() && (std::memcpy(&word, text.data() + i, 8), !needs_look(word))) {
            i += 8;
            continue;
        }
        const char* entity = nullptr;
        size_t length = 1;
        switch (text[i]) {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '"': entity = "&quot;"; break;
            case '\'': entity = "&#39;"; break;
            default: {
                const auto b = static_cast<unsigned char>(text[i]);
                if (b >= 0x20 && b < 0x7F) {
                    ++i;
                    continue;
                }
                // Most letters outside ASCII (å, ä, ö, é, …): two bytes, U+00C0 to U+07FF, all allowed.
                if (b >= 0xC3 && b <= 0xDF && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
                    i += 2;
                    continue;
                }
                const TextChar c = text_char_at(text, i);
                if (c.publishable) {
                    i += c.length;
                    continue;
                }
                entity = "\xEF\xBF\xBD";  // U+FFFD for what XML 1.0 or HTML does not allow
                length = c.length;
            }
        }
        out.append(text.data() + done, i - done);
        out += entity;
        i += length;
        done = i;
    }
    out.append(text.data() + done, text.size() - done);
}

namespace {

using site::Data;

// Nesting limits keep a hostile theme override from exhausting the stack. Rendering counts
// sections and partials together: a partial that includes itself inside 99 sections nested
// 100 x 99 levels deep, which overflowed a 1 MiB stack.
constexpr int kMaxSectionDepth = 100;
constexpr int kMaxRenderDepth = 100;

// ---- Tokens: the template's text cut at tags and at line ends, as libmstch cuts it ----

enum class TokenType { Text, Variable, Unescaped, Section, Inverted, Close, Partial, Comment };

struct Token {
    TokenType type = TokenType::Text;
    std::string text;  // Text: the text itself; a tag: its name
    size_t offset = 0;  // where the token starts in the template
    bool eol = false;  // Text ending in '\n' (or the empty token after a tag that ends the template)
    bool ws_only = false;  // Text of only spaces, tabs and line ends
    std::string indentation;  // Partial alone on its line: the whitespace before it
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Token text_token(std::string text, size_t offset) {
    Token t;
    t.text = std::move(text);
    t.offset = offset;
    t.eol = !t.text.empty() && t.text.back() == '\n';
    t.ws_only = std::all_of(t.text.begin(), t.text.end(), is_space);
    return t;
}

class Tokenizer {
public:
    Tokenizer(std::string_view source, const std::string& name, std::vector<TemplateError>& errors)
        : source_(source), name_(name), errors_(errors) {}

    // Returns false when the template has errors (reported).
    bool run(std::vector<Token>& tokens) {
        size_t pos = 0;
        while (pos < source_.size()) {
            const size_t open = source_.find("{{", pos);
            if (open == std::string_view::npos) {
                add_text(pos, source_.size(), tokens);
                break;
            }
            size_t close = source_.find("}}", open + 1);
            if (close == std::string_view::npos) {
                error(open, "tag is not closed: '{{' without '}}'");
                return false;
            }
            if (at(open + 2) == '{' && at(close + 2) == '}') ++close;
            add_text(pos, open, tokens);
            if (!add_tag(open, close + 2, tokens)) return false;
            pos = close + 2;
            if (pos == source_.size()) {
                Token end = text_token("", pos);
                end.eol = true;
                tokens.push_back(std::move(end));
            }
        }
        return ok_;
    }

    void error(size_t offset, std::string message) {
        errors_.push_back({name_, pos(offset), std::move(message)});
        ok_ = false;
    }

    [[nodiscard]] SourcePos pos(size_t offset) const {
        const auto [line, column] = line_column_at(source_, offset);
        return {line, column};
    }

private:
    [[nodiscard]] char at(size_t i) const { return i < source_.size() ? source_[i] : '\0'; }

    // Text is cut after every '\n', so that each line's tokens can be told apart.
    void add_text(size_t begin, size_t end, std::vector<Token>& tokens) const {
        size_t start = begin;
        for (size_t i = begin; i < end; ++i)
            if (source_[i] == '\n' || i == end - 1) {
                tokens.push_back(text_token(std::string(source_.substr(start, i + 1 - start)), start));
                start = i + 1;
            }
    }

    bool add_tag(size_t begin, size_t end, std::vector<Token>& tokens) {
        const std::string_view raw = source_.substr(begin, end - begin);
        const auto trim = [](std::string_view s) {
            while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
            while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
            return s;
        };
        Token t;
        t.offset = begin;
        std::string_view name;
        if (raw.size() >= 6 && raw[2] == '{' && raw[raw.size() - 3] == '}') {
            t.type = TokenType::Unescaped;
            name = trim(raw.substr(3, raw.size() - 6));
        } else {
            const std::string_view inner = trim(raw.substr(2, raw.size() - 4));
            const char sigil = inner.empty() ? '\0' : inner.front();
            switch (sigil) {
                case '>': t.type = TokenType::Partial; break;
                case '^': t.type = TokenType::Inverted; break;
                case '/': t.type = TokenType::Close; break;
                case '&': t.type = TokenType::Unescaped; break;
                case '#': t.type = TokenType::Section; break;
                case '!': t.type = TokenType::Comment; break;
                case '=':
                    error(begin, "set-delimiter tags ({{=…=}}) are not supported");
                    return false;
                case '{':
                    error(begin, "'{{{' is closed by '}}' instead of '}}}'");
                    return false;
                default: t.type = TokenType::Variable;
            }
            name = t.type == TokenType::Variable ? inner : trim(inner.substr(1));
        }
        if (t.type != TokenType::Comment) {
            if (name.empty()) {
                error(begin, "tag " + quote(raw) + " has no name");
                return false;
            }
            for (const char c : name)
                if (c == '{' || c == '}' || std::isspace(static_cast<unsigned char>(c))) {
                    error(begin, "tag " + quote(raw) + " has an invalid name");
                    return false;
                }
            t.text = std::string(name);
        }
        tokens.push_back(std::move(t));
        return true;
    }

    std::string_view source_;
    const std::string& name_;
    std::vector<TemplateError>& errors_;
    bool ok_ = true;
};

// A line holding sections, partials or comments and otherwise only whitespace is left out of the
// output, its whitespace and line end with it (libmstch: also when it holds several such tags). A
// partial on such a line remembers the whitespace before it, to indent the partial's lines.
std::vector<Token> strip_standalone_lines(std::vector<Token> tokens) {
    std::vector<bool> drop(tokens.size(), false);
    size_t line_begin = 0;
    bool has_tag = false, non_space = false;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const TokenType type = tokens[i].type;
        if (type != TokenType::Text && type != TokenType::Variable && type != TokenType::Unescaped) has_tag = true;
        else if (!tokens[i].ws_only) non_space = true;
        if (!tokens[i].eol) continue;
        if (has_tag && !non_space) {
            for (size_t j = line_begin; j < i; ++j)
                if (tokens[j].type == TokenType::Partial && j != line_begin && tokens[j - 1].ws_only)
                    tokens[j].indentation = tokens[j - 1].text;
            for (size_t j = line_begin; j <= i; ++j)
                if (tokens[j].ws_only) drop[j] = true;
        }
        has_tag = non_space = false;
        line_begin = i + 1;
    }
    std::vector<Token> kept;
    kept.reserve(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i)
        if (!drop[i]) kept.push_back(std::move(tokens[i]));
    return kept;
}

// A partial included with indentation: the indentation goes before the first token and before
// every token that follows a line end (libmstch's way, also inside sections).
std::vector<Token> indent(const std::vector<Token>& tokens, const std::string& indentation) {
    if (indentation.empty()) return tokens;
    std::vector<Token> out;
    out.reserve(tokens.size() * 2);
    bool line_start = true;
    for (const auto& t : tokens) {
        if (line_start) out.push_back(text_token(indentation, t.offset));
        out.push_back(t);
        line_start = t.eol;
    }
    return out;
}

// ---- The compiled form ----

struct Compiled;

struct Node {
    enum class Kind { Text, Variable, Unescaped, Section, Inverted, Partial };
    Kind kind = Kind::Text;
    std::string text;  // Text: the text; Partial: the partial's name
    std::vector<std::string> name;  // the dotted name's parts; {"."} for the current item
    std::vector<std::uint32_t> hashes;  // Data::key_hash of each part
    std::vector<Node> children;  // Section, Inverted
    std::string indentation;  // Partial
    size_t offset = 0;  // Partial: where its tag is, for errors
    const Compiled* partial = nullptr;  // Partial: resolved once every template is compiled
};

struct Compiled {
    std::vector<Node> nodes;
};

std::vector<std::uint32_t> hashes_of(const std::vector<std::string>& parts) {
    std::vector<std::uint32_t> hashes;
    for (const auto& part : parts) hashes.push_back(Data::key_hash(part));
    return hashes;
}

std::vector<std::string> split_name(const std::string& name) {
    if (name == ".") return {name};
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
        parts.push_back(name.substr(start, dot - start));
    parts.push_back(name.substr(start));
    return parts;
}

// Turns the token list into a tree; reports unbalanced sections. Returns false on errors.
bool build_tree(const std::vector<Token>& tokens, Tokenizer& reporter, std::vector<Node>& root) {
    struct Open {
        std::vector<Node>* nodes;
        const Token* tag;
    };
    std::vector<Open> open;
    std::vector<Node>* nodes = &root;
    for (const auto& t : tokens) {
        Node n;
        switch (t.type) {
            case TokenType::Comment: continue;
            case TokenType::Text:
                if (t.text.empty()) continue;
                if (!nodes->empty() && nodes->back().kind == Node::Kind::Text) {
                    nodes->back().text += t.text;
                    continue;
                }
                n.text = t.text;
                break;
            case TokenType::Variable:
            case TokenType::Unescaped:
                n.kind = t.type == TokenType::Variable ? Node::Kind::Variable : Node::Kind::Unescaped;
                n.name = split_name(t.text);
                n.hashes = hashes_of(n.name);
                break;
            case TokenType::Partial:
                n.kind = Node::Kind::Partial;
                n.text = t.text;
                n.indentation = t.indentation;
                n.offset = t.offset;
                break;
            case TokenType::Section:
            case TokenType::Inverted:
                if (open.size() >= kMaxSectionDepth) {
                    reporter.error(t.offset, "sections are nested more than " + std::to_string(kMaxSectionDepth) + " deep");
                    return false;
                }
                n.kind = t.type == TokenType::Section ? Node::Kind::Section : Node::Kind::Inverted;
                n.name = split_name(t.text);
                n.hashes = hashes_of(n.name);
                nodes->push_back(std::move(n));
                open.push_back({nodes, &t});
                nodes = &nodes->back().children;
                continue;
            case TokenType::Close:
                if (open.empty()) {
                    reporter.error(t.offset, "{{/" + t.text + "}} closes no section");
                    return false;
                }
                if (open.back().tag->text != t.text) {
                    const SourcePos opened = reporter.pos(open.back().tag->offset);
                    reporter.error(t.offset, "{{/" + t.text + "}} does not match {{" +
                                                 (open.back().tag->type == TokenType::Section ? "#" : "^") +
                                                 open.back().tag->text + "}} opened at line " + std::to_string(opened.line) +
                                                 ", column " + std::to_string(opened.column));
                    return false;
                }
                nodes = open.back().nodes;
                open.pop_back();
                continue;
        }
        nodes->push_back(std::move(n));
    }
    if (!open.empty()) {
        const Token& tag = *open.back().tag;
        reporter.error(tag.offset, std::string("section {{") + (tag.type == TokenType::Section ? "#" : "^") + tag.text +
                                       "}} is not closed (no {{/" + tag.text + "}})");
        return false;
    }
    return true;
}

// ---- Rendering ----

const Data kNull;

// A name's part in one context: a map's entry; "." is the context itself when it is not a map.
const Data* find_in(const Data& context, const std::string& part, std::uint32_t hash) {
    if (context.kind() == Data::Kind::Map) return context.get(part, hash);
    return part == "." ? &context : nullptr;
}

bool is_empty(const Data& d) {
    switch (d.kind()) {
        case Data::Kind::Null: return true;
        case Data::Kind::Text: return d.text().empty();
        case Data::Kind::Markdown: return markdown_to_html(d.text()).empty();
        case Data::Kind::Bool: return !d.flag();
        case Data::Kind::List: return d.items().empty();
        case Data::Kind::Map: return false;
    }
    return true;
}

void write_value(const Data& d, bool escape, std::string& out) {
    switch (d.kind()) {
        case Data::Kind::Text:
            if (escape) append_escaped(out, d.text());
            else out += d.text();
            break;
        case Data::Kind::Markdown: {
            const std::string html = markdown_to_html(d.text());
            if (escape) append_escaped(out, html);
            else out += html;
            break;
        }
        case Data::Kind::Bool: out += d.flag() ? "true" : "false"; break;
        case Data::Kind::Null:
        case Data::Kind::List:
        case Data::Kind::Map: break;
    }
}

class Render {
public:
    Render(std::span<const Data* const> contexts, std::string& out) : stack_(contexts.begin(), contexts.end()), out_(out) {}

    void nodes(const std::vector<Node>& list, int depth) {
        for (const auto& n : list) node(n, depth);
    }

private:
    // The first part is looked up from the innermost context outwards; the others in what it found.
    const Data& lookup(const Node& n) const {
        const Data* found = nullptr;
        for (auto it = stack_.rbegin(); it != stack_.rend() && !found; ++it) found = find_in(**it, n.name.front(), n.hashes.front());
        for (size_t i = 1; found && i < n.name.size(); ++i) found = find_in(*found, n.name[i], n.hashes[i]);
        return found ? *found : kNull;
    }

    void with_context(const Data& context, const std::vector<Node>& children, int depth) {
        if (depth >= kMaxRenderDepth)
            throw std::runtime_error("template sections and partials are nested more than " +
                                     std::to_string(kMaxRenderDepth) + " deep");
        stack_.push_back(&context);
        nodes(children, depth + 1);
        stack_.pop_back();
    }

    void node(const Node& n, int depth) {
        switch (n.kind) {
            case Node::Kind::Text: out_ += n.text; break;
            case Node::Kind::Variable: write_value(lookup(n), true, out_); break;
            case Node::Kind::Unescaped: write_value(lookup(n), false, out_); break;
            case Node::Kind::Section: {
                const Data& value = lookup(n);
                if (is_empty(value)) break;
                if (value.kind() == Data::Kind::List)
                    for (const auto& item : value.items()) with_context(item, n.children, depth);
                else with_context(value, n.children, depth);
                break;
            }
            case Node::Kind::Inverted:
                // libmstch renders an inverted section over an empty context: {{.}} in it is empty.
                if (is_empty(lookup(n))) with_context(kNull, n.children, depth);
                break;
            case Node::Kind::Partial:
                if (depth >= kMaxRenderDepth)
                    throw std::runtime_error("template sections and partials are nested more than " +
                                             std::to_string(kMaxRenderDepth) + " deep ('" + n.text + "' includes itself?)");
                if (n.partial) nodes(n.partial->nodes, depth + 1);
                break;
        }
    }

    std::vector<const Data*> stack_;
    std::string& out_;
};

}  // namespace

struct TemplateSet::Impl {
    // By name and indentation: a partial included with indentation is compiled once per indentation.
    std::map<std::pair<std::string, std::string>, Compiled> compiled;
};

TemplateSet::TemplateSet(const std::map<std::string, std::string>& sources, std::vector<TemplateError>& errors)
    : impl_(std::make_unique<Impl>()) {
    std::map<std::string, std::vector<Token>> tokens;
    std::vector<std::string> names;
    for (const auto& [name, source] : sources) {
        names.push_back(name);
        Tokenizer tokenizer(source, name, errors);
        std::vector<Token> list;
        if (!tokenizer.run(list)) continue;
        list = strip_standalone_lines(std::move(list));
        Compiled c;
        if (!build_tree(list, tokenizer, c.nodes)) continue;
        tokens.emplace(name, std::move(list));
        impl_->compiled.emplace(std::pair(name, std::string()), std::move(c));
    }

    // Links every partial tag to its compiled template, compiling indented variants as they are met.
    std::vector<Compiled*> pending;
    for (auto& [key, c] : impl_->compiled) pending.push_back(&c);
    while (!pending.empty()) {
        Compiled* c = pending.back();
        pending.pop_back();
        std::vector<std::vector<Node>*> lists{&c->nodes};
        while (!lists.empty()) {
            std::vector<Node>* list = lists.back();
            lists.pop_back();
            for (auto& n : *list) {
                if (!n.children.empty()) lists.push_back(&n.children);
                if (n.kind != Node::Kind::Partial) continue;
                const auto key = std::pair(n.text, n.indentation);
                auto it = impl_->compiled.find(key);
                if (it == impl_->compiled.end() && tokens.count(n.text)) {
                    // The source compiled once already, so the indented copy cannot fail.
                    std::vector<TemplateError> ignored;
                    Tokenizer reporter(sources.at(n.text), n.text, ignored);
                    Compiled variant;
                    build_tree(indent(tokens.at(n.text), n.indentation), reporter, variant.nodes);
                    it = impl_->compiled.emplace(key, std::move(variant)).first;
                    pending.push_back(&it->second);
                }
                if (it != impl_->compiled.end()) n.partial = &it->second;
            }
        }
    }

    // Unknown partials, reported where they are used. (A partial that has errors of its own is
    // reported as itself.) Rendered anyway, an unknown partial is empty, as in libmstch.
    for (const auto& [key, c] : impl_->compiled) {
        if (!key.second.empty()) continue;
        std::vector<const std::vector<Node>*> lists{&c.nodes};
        while (!lists.empty()) {
            const std::vector<Node>* list = lists.back();
            lists.pop_back();
            for (const auto& n : *list) {
                if (!n.children.empty()) lists.push_back(&n.children);
                if (n.kind != Node::Kind::Partial || n.partial || sources.count(n.text)) continue;
                const auto [line, column] = line_column_at(sources.at(key.first), n.offset);
                errors.push_back({key.first, {line, column},
                                  "unknown partial " + quote(n.text) + suggestion(n.text, names)});
            }
        }
    }
}

TemplateSet::~TemplateSet() = default;
TemplateSet::TemplateSet(TemplateSet&&) noexcept = default;
TemplateSet& TemplateSet::operator=(TemplateSet&&) noexcept = default;

bool TemplateSet::contains(const std::string& name) const { return impl_->compiled.count({name, std::string()}) != 0; }

void TemplateSet::render(const std::string& name, std::span<const Data* const> contexts, std::string& out) const {
    const auto it = impl_->compiled.find({name, std::string()});
    if (it == impl_->compiled.end()) throw std::runtime_error("the theme has no template " + quote(name + ".mustache"));
    Render(contexts, out).nodes(it->second.nodes, 0);
}

}  // namespace samplan::render::mustache
