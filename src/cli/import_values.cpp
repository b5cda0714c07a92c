#include "cli/commands.h"

#include <ostream>

#include "build/build.h"
#include "build/import_values.h"
#include "core/text.h"

namespace samplan::cli {

const char* const kImportDescription =
    "Writes indicator values from a CSV file into the records that hold them: regional indicators\n"
    R"(into regional/plan.toml, local indicators into their activity's front matter. Only the
'values' arrays change; every other line, comment and blank of the files stays as it was.

The first line names the columns (in any order, any case, English or Swedish):
  indicator (indikator)    the indicator's id                               required
  date (datum)             the date of the value, YYYY-MM-DD                 date or year
  year (år)                the year of the value, e.g. 2025                  date or year
  value (värde)            the value: 12, 12.5 or 12,5; no thousands separators   required
  group (grupp), plan, activity (aktivitet)   where a local indicator is; empty for regional ones

A regional indicator is followed year by year: a date counts for its year. A local indicator is
dated: a year means its last day (2025 is 2025-12-31). A value already in the record for the
same date (year) is replaced when it differs and left alone when it is the same, so importing
the same file twice changes nothing.

Columns are separated by commas or semicolons (taken from the first line); the file is UTF-8,
with or without a byte order mark, as "CSV UTF-8" in Excel saves it. Fields may be quoted, with
"" for a quote inside.

Every problem is reported with the CSV line and column, and then no file is written:
unknown indicators, groups, plans or activities, a local indicator without its place, two rows
for the same indicator and date, numbers and dates that cannot be read, missing columns and
rows with the wrong number of fields. Each changed file is written whole or not at all.
)";

namespace {

std::string plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

int import_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    if (!args.words.empty() && args.words[0] != "values") {
        err << "samplan import: unknown kind " << quote(args.words[0]) << suggestion(args.words[0], {"values"}) << "\n";
        return build::kFailed;
    }
    if (args.words.size() < 2) {
        err << "samplan import: which file? " << command_help(*args.command);
        return build::kFailed;
    }
    if (args.words.size() > 2) {
        err << "samplan import: one CSV file at a time (" << quote(args.words[1]) << " and " << quote(args.words[2]) << ")\n";
        return build::kFailed;
    }
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    const std::string& csv = args.words[1];
    const bool dry_run = args.has("--dry-run");
    const auto result = build::import_values({options.content, csv, dry_run});
    for (const auto& d : result.problems) out << format_text(d) << "\n";
    size_t adds = 0, changes = 0, same = 0;
    for (const auto& f : result.files) {
        bool named = false;
        for (const auto& v : f.values) {
            if (v.kind == build::ImportedValue::Kind::Same) {
                ++same;
                continue;
            }
            if (!named) out << f.path << "\n";
            named = true;
            if (v.kind == build::ImportedValue::Kind::Add) {
                ++adds;
                out << "  " << (dry_run ? "would add    " : "added    ") << v.indicator << " " << v.when << " = " << v.number;
            } else {
                ++changes;
                out << "  " << (dry_run ? "would change " : "changed  ") << v.indicator << " " << v.when << " = " << v.number
                    << " (was " << v.old_number << ")";
            }
            out << "  [" << csv << ":" << v.line << "]\n";
        }
    }
    for (const auto& m : result.messages) err << "samplan import: " << m << "\n";
    if (result.status != build::kOk) return result.status;
    const std::string unchanged = same ? "; " + plural(same, "value was", "values were") + " there already" : "";
    if (result.rows == 0) {
        err << "samplan import: no values in " << quote(csv) << ": only the line naming the columns\n";
    } else if (adds + changes == 0) {
        err << "samplan import: nothing to change: " << plural(same, "value is", "values are") << " in the records already\n";
    } else if (dry_run) {
        err << "samplan import: dry run: " << plural(adds, "value", "values") << " to add and " << changes << " to change in "
            << plural(result.files_edited, "file", "files") << unchanged << "; nothing written\n";
    } else {
        err << "samplan import: added " << plural(adds, "value", "values") << " and changed " << changes << " in "
            << plural(result.files_edited, "file", "files") << unchanged << "\n";
    }
    return build::kOk;
}

}  // namespace samplan::cli
