// core/diagnostics.h — what every stage reports into: located messages with a rule id.
// Library code never prints; the cli sorts and prints what was collected.
#pragma once

#include <string>
#include <vector>

namespace samplan {

// A position in a source file, 1-based. Line 0 means "the file as a whole".
struct SourcePos {
    int line = 0;
    int column = 0;
    auto operator<=>(const SourcePos&) const = default;
};

enum class Severity { Warning, Error };

struct Diagnostic {
    std::string path;  // relative to the content folder, '/' separated
    SourcePos pos;
    Severity severity = Severity::Error;
    std::string message;
    std::string rule;  // stable id, e.g. "unknown-reference"
    // The values the message names (dates, counts, ids), in a fixed order per rule, so that the
    // site can say the same thing in the visitor's language.
    std::vector<std::string> args;
    // The nearest valid value, when the message suggests one ("did you mean 'x'?"): the editor
    // offers it at the field.
    std::string suggestion = {};
    // The kind of diagnostic within its rule whose sentence names the values in `args`
    // (core/rules.h's Form, e.g. "length" of bad-value), or empty.
    std::string form = {};
};

// Collects diagnostics from every stage of a run. Not thread-safe: each worker keeps its own
// and merges them in a fixed order.
class Diagnostics {
public:
    Diagnostic& error(std::string path, SourcePos pos, std::string message, std::string rule);
    Diagnostic& warning(std::string path, SourcePos pos, std::string message, std::string rule);
    Diagnostic& add(Diagnostic d);
    void merge(Diagnostics&& other);

    [[nodiscard]] const std::vector<Diagnostic>& all() const { return items_; }
    [[nodiscard]] bool has_errors() const;
    [[nodiscard]] size_t error_count() const;
    [[nodiscard]] size_t warning_count() const;
    // Sorts by path, line, column, then message; removes exact duplicates.
    void sort();

private:
    std::vector<Diagnostic> items_;
};

// "path:line:column: error: message [rule]"
std::string format_text(const Diagnostic& d);
// A JSON array of objects {path, line, column, severity, message, rule}.
std::string format_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace samplan
