#include "core/diagnostics.h"

#include <algorithm>
#include <tuple>

#include "core/sort.h"
#include "core/text.h"

namespace samplan {

Diagnostic& Diagnostics::error(std::string path, SourcePos pos, std::string message, std::string rule) {
    items_.push_back({std::move(path), pos, Severity::Error, std::move(message), std::move(rule), {}});
    return items_.back();
}

Diagnostic& Diagnostics::warning(std::string path, SourcePos pos, std::string message, std::string rule) {
    items_.push_back({std::move(path), pos, Severity::Warning, std::move(message), std::move(rule), {}});
    return items_.back();
}

Diagnostic& Diagnostics::add(Diagnostic d) {
    items_.push_back(std::move(d));
    return items_.back();
}

void Diagnostics::merge(Diagnostics&& other) {
    items_.insert(items_.end(), std::make_move_iterator(other.items_.begin()),
                  std::make_move_iterator(other.items_.end()));
    other.items_.clear();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
    return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                             [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

size_t Diagnostics::warning_count() const { return items_.size() - error_count(); }

void Diagnostics::sort() {
    auto key = [](const Diagnostic& d) {
        return std::tie(d.path, d.pos.line, d.pos.column, d.message, d.rule, d.severity);
    };
    const auto before = [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); };
    // A build reports thousands (one per overdue sub-goal): their order is found on indices, and
    // each diagnostic moved once, not at every step of the merge.
    stable_sort_moving_once(items_, before);
    items_.erase(std::unique(items_.begin(), items_.end(),
                             [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
                 items_.end());
}

std::string format_text(const Diagnostic& d) {
    std::string out = d.path;
    out += ':' + std::to_string(d.pos.line) + ':' + std::to_string(d.pos.column) + ": ";
    out += d.severity == Severity::Error ? "error: " : "warning: ";
    out += d.message;
    out += " [" + d.rule + "]";
    return out;
}

std::string format_json(const std::vector<Diagnostic>& diagnostics) {
    std::string out = "[";
    bool first = true;
    for (const auto& d : diagnostics) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += "{\"path\": " + json_quote(d.path) + ", \"line\": " + std::to_string(d.pos.line) +
               ", \"column\": " + std::to_string(d.pos.column) + ", \"severity\": " +
               (d.severity == Severity::Error ? "\"error\"" : "\"warning\"") +
               ", \"message\": " + json_quote(d.message) + ", \"rule\": " + json_quote(d.rule) + "}";
    }
    out += first ? "]\n" : "\n]\n";
    return out;
}

}  // namespace samplan
