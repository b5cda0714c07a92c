#include "edit/json.h"

#include "core/text.h"

namespace samplan::edit {

Json::Json() = default;
Json::~Json() = default;
Json::Json(const Json&) = default;
Json::Json(Json&&) noexcept = default;
Json& Json::operator=(const Json&) = default;
Json& Json::operator=(Json&&) noexcept = default;

Json Json::boolean_value(bool b) {
    Json j;
    j.kind = Kind::Bool;
    j.boolean = b;
    return j;
}

const Json* Json::find(std::string_view key) const {
    if (kind != Kind::Object) return nullptr;
    for (const auto& [k, v] : members)
        if (k == key) return &v;
    return nullptr;
}

std::string Json::string_or(std::string_view key, std::string fallback) const {
    const Json* v = find(key);
    return v && v->kind == Kind::String ? v->text : fallback;
}

Json Json::string_value(std::string s) {
    Json j;
    j.kind = Kind::String;
    j.text = std::move(s);
    return j;
}

Json& Json::set(std::string key, Json value) {
    kind = Kind::Object;
    for (auto& [k, v] : members)
        if (k == key) return v = std::move(value);
    members.emplace_back(std::move(key), std::move(value));
    return members.back().second;
}

namespace {

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    bool document(Json& out, std::string& error) {
        const bool ok = value(out, 0) && (space(), at_ == text_.size());
        if (!ok) error = "invalid JSON at byte " + std::to_string(at_);
        return ok;
    }

private:
    void space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) ++at_;
    }
    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) return false;
        at_ += word.size();
        return true;
    }
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    bool hex4(unsigned& out) {
        if (at_ + 4 > text_.size()) return false;
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hex(text_[at_++]);
            if (h < 0) return false;
            out = out * 16 + static_cast<unsigned>(h);
        }
        return true;
    }
    bool string(std::string& out) {
        if (at_ >= text_.size() || text_[at_] != '"') return false;
        ++at_;
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_ >= text_.size()) return false;
            const char e = text_[at_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        unsigned low = 0;
                        if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        return false;
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: return false;
            }
        }
        return false;
    }
    bool number(Json& out) {
        const size_t begin = at_;
        if (at_ < text_.size() && text_[at_] == '-') ++at_;
        auto digits = [&] {
            const size_t from = at_;
            while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
            return at_ > from;
        };
        if (!digits()) return false;
        if (at_ < text_.size() && text_[at_] == '.' && (++at_, !digits())) return false;
        if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
            ++at_;
            if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
            if (!digits()) return false;
        }
        out.kind = Json::Kind::Number;
        out.text = std::string(text_.substr(begin, at_ - begin));
        return true;
    }
    bool value(Json& out, int depth) {
        if (depth > 64) return false;
        space();
        if (at_ >= text_.size()) return false;
        const char c = text_[at_];
        if (c == '{') {
            ++at_;
            out.kind = Json::Kind::Object;
            space();
            if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
            for (;;) {
                space();
                std::string key;
                if (!string(key)) return false;
                space();
                if (!literal(":")) return false;
                Json v;
                if (!value(v, depth + 1)) return false;
                out.members.emplace_back(std::move(key), std::move(v));
                space();
                if (literal("}")) return true;
                if (!literal(",")) return false;
            }
        }
        if (c == '[') {
            ++at_;
            out.kind = Json::Kind::Array;
            space();
            if (at_ < text_.size() && text_[at_] == ']') return ++at_, true;
            for (;;) {
                Json v;
                if (!value(v, depth + 1)) return false;
                out.items.push_back(std::move(v));
                space();
                if (literal("]")) return true;
                if (!literal(",")) return false;
            }
        }
        if (c == '"') {
            out.kind = Json::Kind::String;
            return string(out.text);
        }
        if (literal("true")) return out.kind = Json::Kind::Bool, out.boolean = true, true;
        if (literal("false")) return out.kind = Json::Kind::Bool, out.boolean = false, true;
        if (literal("null")) return out.kind = Json::Kind::Null, true;
        return number(out);
    }

    std::string_view text_;
    size_t at_ = 0;
};

void write(std::string& out, const Json& v) {
    switch (v.kind) {
        case Json::Kind::Null: out += "null"; break;
        case Json::Kind::Bool: out += v.boolean ? "true" : "false"; break;
        case Json::Kind::Number: out += v.text; break;
        case Json::Kind::String: append_json_quoted(out, v.text); break;
        case Json::Kind::Array:
            out += '[';
            for (size_t i = 0; i < v.items.size(); ++i) {
                if (i) out += ',';
                write(out, v.items[i]);
            }
            out += ']';
            break;
        case Json::Kind::Object:
            out += '{';
            for (size_t i = 0; i < v.members.size(); ++i) {
                if (i) out += ',';
                append_json_quoted(out, v.members[i].first);
                out += ':';
                write(out, v.members[i].second);
            }
            out += '}';
            break;
    }
}

}  // namespace

bool parse_json(std::string_view text, Json& out, std::string& error) {
    out = Json{};
    return Parser(text).document(out, error);
}

std::string to_json(const Json& value) {
    std::string out;
    write(out, value);
    return out;
}

}  // namespace samplan::edit
